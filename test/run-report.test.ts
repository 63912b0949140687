// The run report's parts on hand-made inputs: the ROC curve against the AUC, the bounded quarantine read,
// and the HTML page: every data text escaped (a quarantined row carrying <script> stays text, also in a real
// browser), sections that say what is missing (no champion, no feedback) instead of failing.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { EvaluationFile, ModelEvaluation } from '../core/evaluation/evaluation-file';
import { auc, computeMetrics } from '../core/evaluation/metrics';
import { rocCurve } from '../core/evaluation/roc';
import { metricsBySlice } from '../core/evaluation/evaluate-model';
import { sliceColumn } from '../core/evaluation/holdout-scores';
import { Random } from '../core/random';
import { buildRunReport } from '../core/report/build-report';
import { sampleQuarantine } from '../core/report/quarantine-sample';
import type { FeedbackFile, RunReportInputs } from '../core/report/report-inputs';
import type { LocalStore } from '../core/storage/local-store';
import { openBrowser, tracePage, type Browser } from './helpers/browser';
import { freshLocalStore } from './helpers/stack';

const SCRIPT = '<script>window.injected = 1; alert("injected")</script>';
const ATTRIBUTE = '"><img src=x onerror="window.injected = 2">';

/** A holdout whose clicks follow the score, with ties (scores rounded to 2 digits). */
function holdout(rows: number, seed: number) {
  const random = new Random(seed);
  const scores: number[] = [];
  const labels: number[] = [];
  for (let i = 0; i < rows; i++) {
    const score = Math.round(random.next() * 100) / 100;
    scores.push(score);
    labels.push(random.next() < 0.02 + 0.2 * score ? 1 : 0);
  }
  return { scores, labels };
}

function trapezoid(points: { fpr: number; tpr: number }[]): number {
  let area = 0;
  for (let i = 1; i < points.length; i++) area += ((points[i]!.fpr - points[i - 1]!.fpr) * (points[i]!.tpr + points[i - 1]!.tpr)) / 2;
  return area;
}

it('draws the ROC curve whose area is the AUC, from (0,0) to (1,1), and cuts it to at most 200 points', () => {
  const { scores, labels } = holdout(5000, 7);
  const full = rocCurve(labels, scores, Infinity);
  expect(full.length).toBe(new Set(scores).size + 1);
  expect(trapezoid(full)).toBeCloseTo(auc(labels, scores), 12);
  const fine = holdout(20_000, 8);
  const continuous = fine.scores.map((s, i) => s + i * 1e-9);
  const cut = rocCurve(fine.labels, continuous);
  expect(cut).toHaveLength(200);
  expect(cut[0]).toEqual({ fpr: 0, tpr: 0 });
  expect(cut.at(-1)).toEqual({ fpr: 1, tpr: 1 });
  expect(cut.every((p, i) => i === 0 || (p.fpr >= cut[i - 1]!.fpr && p.tpr >= cut[i - 1]!.tpr))).toBe(true);
  expect(Math.abs(trapezoid(cut) - auc(fine.labels, continuous))).toBeLessThan(0.01);
  expect(rocCurve([0, 0, 0], [0.1, 0.2, 0.3])).toEqual([]);
});

let store: LocalStore;
beforeAll(async () => {
  store = await freshLocalStore();
});

async function writeQuarantine(key: string, entries: { reason: string; raw: string }[]) {
  const lines = entries.map((e, i) => JSON.stringify({ file: 'raw/2026-11/a.csv', line: i + 2, ...e }));
  await store.put(key, `${lines.join('\n')}\nnot json\n`);
}

it('counts quarantine entries by kind with a few examples each, and says so when it stopped at its bound', async () => {
  const entries = [
    ...Array.from({ length: 7 }, (_, i) => ({ reason: `user_age is out of range: ${200 + i}`, raw: `row ${i}` })),
    ...Array.from({ length: 4 }, (_, i) => ({ reason: `expected 16 fields, got ${3 + i}`, raw: SCRIPT })),
  ];
  await writeQuarantine('artifacts/2026-11/quarantine/part-00000.jsonl', entries.slice(0, 6));
  await writeQuarantine('artifacts/2026-11/quarantine/part-00001.jsonl', entries.slice(6));
  const sample = await sampleQuarantine(store, 'artifacts/2026-11/quarantine/');
  expect(sample).toMatchObject({ files: 2, entries: 13, complete: true });
  expect(sample.kinds.map((k) => [k.kind, k.count, k.examples.length])).toEqual([
    ['user_age is out of range', 7, 3],
    ['expected N fields, got N', 4, 3],
    ['(unreadable quarantine entry)', 2, 2],
  ]);
  expect(sample.kinds[0]!.examples.map((e) => e.raw)).toEqual(['row 0', 'row 1', 'row 2']);
  const bounded = await sampleQuarantine(store, 'artifacts/2026-11/quarantine/', undefined, { maxEntries: 5, examplesPerKind: 1, maxKinds: 1 });
  expect(bounded).toMatchObject({ files: 2, entries: 5, complete: false });
  expect(bounded.kinds.map((k) => [k.kind, k.count])).toEqual([['user_age is out of range', 5]]);
  const other = await sampleQuarantine(store, 'artifacts/2026-11/quarantine/', undefined, { maxEntries: 100, examplesPerKind: 1, maxKinds: 1 });
  expect(other.kinds.map((k) => [k.kind, k.count])).toEqual([
    ['user_age is out of range', 7],
    ['(other kinds)', 6],
  ]);
});

function modelEvaluation(seed: number, sliceValue: string): ModelEvaluation {
  const { scores, labels } = holdout(3000, seed);
  const p = scores.map((s) => 0.02 + 0.2 * s);
  return {
    overall: computeMetrics(labels, p),
    slices: metricsBySlice(labels, p, { device: sliceColumn(labels.map((_, i) => (i % 2 ? sliceValue : 'desktop'))) }),
    roc: rocCurve(labels, p),
  };
}

function inputs(overrides: Partial<RunReportInputs> = {}): RunReportInputs {
  const evaluation: EvaluationFile = {
    month: '2026-11',
    holdoutStart: '2026-11-24T00:00:00.000Z',
    holdoutRows: 3000,
    rules: { minAuc: 0.5, maxLogLoss: 1, maxCalibrationError: 0.5, maxAucDrop: 0.02, maxLogLossIncrease: 0.05, maxBaselineGap: 0.01 },
    candidate: modelEvaluation(1, SCRIPT),
    baseline: {
      ...modelEvaluation(2, SCRIPT),
      comparison: { aucDifference: 0.01, aucStandardError: 0.005, logLossDifference: -0.001, logLossStandardError: 0.0005 },
    },
    blessing: { blessed: true, reasons: [] },
  };
  return {
    month: '2026-11',
    generatedAt: '2026-12-01T06:00:00.000Z',
    artifactsUrl: 'gs://bucket/artifacts/2026-11/',
    decision: { version: 1, outcome: 'promoted', reasons: [], previousChampion: null },
    evaluation,
    trainings: [
      {
        name: 'trial 0',
        bestEpoch: 2,
        history: [1, 2, 3].map((epoch) => ({
          epoch,
          phase: 'linear' as const,
          trainLoss: 0.2 - epoch / 100,
          validationLoss: 0.21 - epoch / 200,
          attempt: 1,
          seconds: 1,
        })),
      },
    ],
    statistics: {
      specName: 'adclick',
      examples: 3000,
      maxDistinct: 1000,
      label: { name: 'clicked', positives: 90, positiveRate: 0.03 },
      timestamp: { name: 'timestamp', min: 0, max: 1, perDay: {} },
      features: [
        {
          role: 'categorical',
          name: ATTRIBUTE,
          count: 3000,
          missing: 0,
          counts: { values: [], other: 0 },
          distinct: 2,
          distinctIsLowerBound: false,
          top: [{ value: SCRIPT, count: 1500, frequency: 0.5 }],
        },
      ],
    },
    validation: { month: '2026-11', schemaVersion: 1, comparedWith: null, passed: true, blocking: [], warnings: [], drift: [] },
    quarantine: {
      files: 1,
      entries: 1,
      complete: true,
      kinds: [{ kind: 'expected N fields, got N', count: 1, examples: [{ file: `raw/2026-11/${ATTRIBUTE}.csv`, line: 2, reason: SCRIPT, raw: SCRIPT }] }],
    },
    ...overrides,
  };
}

it('escapes every text from the data: no markup from a CSV value, a feature name or a file name gets into the page', () => {
  const page = buildRunReport(inputs());
  expect(page).not.toMatch(/<script/i);
  expect(page).not.toMatch(/<img/i);
  expect(page).not.toContain('onerror="');
  expect(page).toContain('&lt;script&gt;window.injected = 1; alert(&quot;injected&quot;)&lt;/script&gt;');
  expect(page).toContain('&quot;&gt;&lt;img src=x onerror=&quot;window.injected = 2&quot;&gt;');
});

it('says what is missing instead of failing: no champion, no feedback, no training report, no evaluation', () => {
  const page = buildRunReport(inputs());
  expect(page).not.toContain('champion v');
  expect(page).toContain("No predictions logged for this month's impressions.");
  expect(page).toContain('AUC logistic-regression baseline');
  const bare = buildRunReport(inputs({ evaluation: undefined, trainings: [], statistics: undefined, validation: undefined, decision: undefined }));
  for (const text of [
    'No evaluation recorded.',
    'No training report recorded.',
    'No statistics recorded.',
    'No validation report recorded.',
    'No promotion decision recorded.',
  ])
    expect(bare).toContain(text);
  const noRoc = inputs();
  delete noRoc.evaluation!.candidate.roc;
  expect(buildRunReport(noRoc)).toContain('ROC points were not recorded for every model');
});

it('shows a champion and production feedback when there are', () => {
  const base = inputs();
  const feedback: FeedbackFile = {
    month: '2026-11',
    logDays: { from: '2026-10-31', to: '2026-12-01' },
    logShards: 3,
    counts: { predictions: 1000, unreadableShards: 0, withoutId: 0, superseded: 5, unmatched: 2, joined: 993 },
    models: [{ modelVersion: 4, ...modelEvaluation(5, 'mobile').overall }],
    warnings: [`v4 in production is miscalibrated: ${SCRIPT}`],
  };
  const champion = { version: 4, ...modelEvaluation(3, 'mobile'), comparison: base.evaluation!.baseline!.comparison };
  const page = buildRunReport({ ...base, evaluation: { ...base.evaluation!, champion }, feedback });
  expect(page).toContain('AUC champion v4');
  expect(page).toContain('993 joined');
  expect(page).toContain('<td>v4</td>');
  expect(page).not.toMatch(/<script/i);
});

let browser: Browser;
afterAll(async () => browser?.close());

it('renders in a real browser with nothing executed, nothing requested and every chart drawn', async () => {
  browser = await openBrowser();
  const page = await browser.context.newPage();
  const trace = tracePage(page);
  await page.setContent(buildRunReport(inputs()), { waitUntil: 'load' });
  expect(await page.evaluate(() => (globalThis as unknown as { injected?: number }).injected)).toBeUndefined();
  expect(await page.locator('script, img').count()).toBe(0);
  expect(await page.locator('#quarantine pre').first().textContent()).toBe(SCRIPT);
  const paths = await page.locator('figure.chart svg .series path').evaluateAll((all) => all.map((p) => p.getAttribute('d') ?? ''));
  // ROC and reliability for candidate and baseline, train and validation loss.
  expect(paths).toHaveLength(6);
  expect(paths.every((d) => /^M[\d.]+ [\d.]+( L[\d.]+ [\d.]+)+$/.test(d))).toBe(true);
  expect(trace).toEqual({ consoleErrors: [], pageErrors: [], dialogs: [], requests: [], failedRequests: [] });
});
