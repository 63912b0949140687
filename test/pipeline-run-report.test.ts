// The run report end to end: a small dirty month (one row carrying <script>) runs through Temporal
// beside a champion, the report is fetched over HTTP with an operator token and opened in a real headless
// Chromium: nothing logged as an error, nothing requested but the page, every chart drawn, the slice
// table filled, the injected row shown as text. A screenshot goes to .data/test-artifacts/run-report.png (and the page beside it).
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RunReportResult } from '../activities/report';
import { createApp } from '../api/app';
import { startServer, type RunningServer } from '../api/lib/serve';
import { loadConfig } from '../core/config';
import { generateMonth } from '../core/datagen/generate-month';
import { monthArtifacts } from '../core/pipeline/layout';
import { ModelRegistry } from '../core/registry/model-registry';
import { ChampionPredictor } from '../core/serving/champion-predictor';
import type { GcsStore } from '../core/storage/gcs-store';
import type { PipelineProgress } from '../workflows/monthly-pipeline';
import { describeReport } from '../scripts/main/month-outcome';
import { apiCaller, testTokens } from './helpers/api';
import { openBrowser, tracePage, type Browser } from './helpers/browser';
import { recordHistory, startMonth, testSettings } from './helpers/pipeline';
import { freshGcsStore, startWorkers, type TestStack } from './helpers/stack';
import { registerTinyModel } from './helpers/tiny-model';

const MONTH = '2026-12';
const INJECTED = '<script>window.injected = 1; alert("injected")</script>';
const ARTIFACTS = path.join('.data', 'test-artifacts');

const tokens = testTokens({ ops: 'operator', frontend: 'predict' });
let store: GcsStore;
let stack: TestStack;
let predictor: ChampionPredictor;
let server: RunningServer;
let browser: Browser;
let run: PipelineProgress;
let details: string;

beforeAll(async () => {
  store = await freshGcsStore();
  const registry = new ModelRegistry(store);
  await registerTinyModel(store, registry);
  const generated = await generateMonth(store, { month: MONTH, impressions: 6000, ads: 120, files: 1, dirt: { malformedRows: 0.005, outOfRangeRows: 0.005 } });
  // A second file with the same header: one good-looking row, one whose wrong field count carries markup.
  const header = (await store.get(generated.files[0]!.key)).toString('utf8').split('\n', 1)[0]!;
  await store.put(`raw/${MONTH}/injected.csv`, `${header}\n${INJECTED},x\n`);
  stack = await startWorkers(store);
  predictor = new ChampionPredictor({ store, registry, pollSeconds: 0 });
  await predictor.start();
  server = await startServer(createApp({ store, registry, predictor, temporal: stack.client, config: loadConfig(), tokens: tokens.set }), '127.0.0.1', 0);
  const handle = await startMonth(stack, MONTH, testSettings(stack), false, { apiUrl: server.url });
  run = await handle.result();
  await recordHistory('monthly-pipeline-run-report', handle.workflowId, await handle.fetchHistory());
  details = (await handle.query<{ currentDetails: string }>('__temporal_workflow_metadata')).currentDetails;
  browser = await openBrowser({ authorization: `Bearer ${tokens.token.ops}` });
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await predictor?.close();
  await stack?.stop();
});

it("writes the report after promote, names it in the run's result, its details and the main job's line", () => {
  expect(run.completed).toContain('promote');
  const report = run.summary.report as RunReportResult;
  expect(report.reportKey).toBe(monthArtifacts(MONTH).report);
  expect(report.bytes).toBeGreaterThan(10_000);
  const url = `${server.url}/v1/runs/${MONTH}/report`;
  expect(details).toContain(`[${url}](${url})`);
  expect(describeReport({ month: MONTH, run }, server.url)).toContain(url);
});

it('serves it as HTML to an operator, 404 naming a month without one, 400 for a malformed month, 403 to a predict token', async () => {
  const asOps = apiCaller(server.url, tokens.token.ops);
  const response = await fetch(`${server.url}/v1/runs/${MONTH}/report`, { headers: { authorization: `Bearer ${tokens.token.ops}` } });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
  expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
  expect(await response.text()).toBe((await store.get(monthArtifacts(MONTH).report)).toString('utf8'));
  const missing = await asOps<{ error: string }>('GET', '/v1/runs/2026-01/report');
  expect(missing.status).toBe(404);
  expect(missing.body.error).toMatch(/^no run report for 2026-01: /);
  const malformed = await asOps<{ error: string }>('GET', '/v1/runs/2026-13/report');
  expect(malformed.status).toBe(400);
  expect(malformed.body.error).toContain('YYYY-MM');
  expect((await apiCaller(server.url, tokens.token.frontend)('GET', `/v1/runs/${MONTH}/report`)).status).toBe(403);
});

it('opens in a real browser: no console error, no request but the page, every chart drawn, slices listed, markup from the data shown as text', async () => {
  const page = await browser.context.newPage();
  const trace = tracePage(page);
  const url = `${server.url}/v1/runs/${MONTH}/report`;
  const response = await page.goto(url, { waitUntil: 'load' });
  expect(response?.status()).toBe(200);

  const charts = await page.locator('figure.chart svg').evaluateAll((svgs) =>
    svgs.map((svg) => ({
      title: svg.getAttribute('aria-label') ?? '',
      paths: [...svg.querySelectorAll('.series path, .series polyline')].map((p) => p.getAttribute('d') ?? p.getAttribute('points') ?? ''),
    })),
  );
  const titles = charts.map((c) => c.title);
  expect(titles.slice(0, 2)).toEqual(['ROC on the holdout', 'Reliability (equal-count bins)']);
  // Candidate, champion and baseline on both evaluation charts; train and validation loss per training.
  expect(charts[0]!.paths).toHaveLength(3);
  expect(charts[1]!.paths).toHaveLength(3);
  expect(titles.filter((t) => t.includes('loss per epoch'))).toEqual([
    expect.stringMatching(/^trial 0 \(picked\)/),
    expect.stringMatching(/^logistic-regression baseline/),
  ]);
  for (const chart of charts) {
    expect(chart.paths.length, chart.title).toBeGreaterThan(0);
    for (const d of chart.paths) expect(d, chart.title).toMatch(/^M[\d.]+ [\d.]+( L[\d.]+ [\d.]+)+$/);
  }
  const legend = await page.locator('figure.chart').first().locator('figcaption').textContent();
  expect(legend).toMatch(/candidate \(AUC 0\.\d{4}\).*champion v1 \(AUC .*logistic-regression baseline/);

  expect(await page.locator('table.slices tbody tr').count()).toBeGreaterThan(3);
  expect(await page.locator('table.features tbody tr').count()).toBeGreaterThan(10);
  const injected = await page.locator('#quarantine pre', { hasText: 'window.injected' }).textContent();
  expect(injected).toBe(`${INJECTED},x`);
  expect(await page.locator('script').count()).toBe(0);
  expect(await page.evaluate(() => (globalThis as unknown as { injected?: number }).injected)).toBeUndefined();
  await expect(page.locator('#feedback').textContent()).resolves.toContain('No predictions logged');

  // For people to look at (git-ignored): the page as the browser drew it, and the file itself.
  await fs.mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, 'run-report.png'), fullPage: true });
  await fs.writeFile(path.join(ARTIFACTS, 'run-report.html'), await store.get(monthArtifacts(MONTH).report));
  expect(trace).toEqual({ consoleErrors: [], pageErrors: [], dialogs: [], requests: [url], failedRequests: [] });
});

it('finishes the month when the report cannot be written, saying why in its result and details', async () => {
  // Every stage is reused from the run above; the report then meets an evaluation file that is not JSON.
  await store.put(monthArtifacts(MONTH).evaluation, '{ not json');
  const handle = await startMonth(stack, MONTH, testSettings(stack), false, { apiUrl: server.url });
  const rerun = await handle.result();
  expect(rerun.reused).toContain('promote');
  const report = rerun.summary.report as { failed: string };
  expect(report.failed).toMatch(new RegExp(`^${monthArtifacts(MONTH).evaluation} is unreadable: .*JSON`));
  const rerunDetails = (await handle.query<{ currentDetails: string }>('__temporal_workflow_metadata')).currentDetails;
  expect(rerunDetails).toContain(`**Run report** not written: ${report.failed}`);
  expect(describeReport({ month: MONTH, run: rerun }, server.url)).toBe(`  run report not written: ${report.failed}`);
}, 120_000);
