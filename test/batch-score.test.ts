// Batch scoring end to end: a month with clean and dirty rows (one file cut into parts, one gzipped in a
// subfolder without a label column) scored through POST /v1/batch-scores on real Temporal, a real GCS API
// server and real TensorFlow. Every clean row gets exactly one score, equal to POST /v1/predict's for the
// same row; every dirty row is quarantined with its line and reason; a second start while running is 409;
// a re-run after one part's output is deleted scores only that part again.
import { execFile } from 'node:child_process';
import { randomInt } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { createApp } from '../api/app';
import { startServer, type RunningServer } from '../api/lib/serve';
import { loadConfig } from '../core/config';
import { ModelRegistry } from '../core/registry/model-registry';
import { ChampionPredictor } from '../core/serving/champion-predictor';
import { getJson, listAll, type BlobStore } from '../core/storage/blob-store';
import { readJsonLines } from '../core/storage/lines';
import type { BatchScoreSummary } from '../activities/batch-score';
import type { QuarantineEntry } from '../core/pipeline/quarantine';
import { batchScoreProgressQuery } from '../workflows/batch-score';
import { apiCaller, testTokens, type ApiCall } from './helpers/api';
import { freshGcsStore, startWorkers, type TestStack } from './helpers/stack';
import { putTestImage, registerTinyModel, tinyInstance } from './helpers/tiny-model';

// The Temporal server is shared with other test files: a month of its own keeps the workflow id apart.
const month = `${randomInt(1000, 1900)}-${String(randomInt(1, 13)).padStart(2, '0')}`;
const folder = `raw/${month}/`;
const COLUMNS = Object.keys(tinyInstance());
const MISSING_AD = 5;

interface Row {
  id: string;
  values: Record<string, string>;
}
interface Dirty {
  file: string;
  line: number;
  reason: string;
}

let store: BlobStore;
let stack: TestStack;
let predictor: ChampionPredictor;
let server: RunningServer;
let operator: ApiCall;
let version: number;
const clean: Row[] = [];
const dirty: Dirty[] = [];

function cleanRow(n: number): Row {
  const ad = 1 + (n % MISSING_AD);
  const values: Record<string, string> = {
    impression_id: `imp-${n}`,
    timestamp: new Date(Date.UTC(2026, 9, 1 + (n % 28), n % 24)).toISOString(),
    ad_id: `ad-${String(ad).padStart(5, '0')}`,
    advertiser: `advertiser-${n % 7}`,
    ad_category: ['travel', 'retail', 'finance', 'games'][n % 4]!,
    placement: ['feed', 'sidebar', 'search'][n % 3]!,
    device: ['mobile', 'desktop', 'tablet'][n % 3]!,
    region: `region-${n % 10}`,
    user_interest: ['travel', 'retail'][n % 2]!,
    hour_of_day: String(n % 24),
    user_age: String(18 + (n % 60)),
    user_sessions_30d: String((n * 7) % 200),
    user_past_clicks_30d: n % 5 === 0 ? '' : String(n % 20),
    headline: `deal number ${n % 13} today`,
    // Every 17th row has no image at all; ad 5's image is missing from the bucket.
    image_path: n % 17 === 0 ? '' : `images/ad-${String(ad).padStart(5, '0')}.png`,
    clicked: String(n % 9 === 0 ? 1 : 0),
  };
  return { id: values.impression_id!, values };
}

/** A CSV file's text: clean rows with dirty lines spliced in at the given positions, recording where each landed. */
function csvFile(file: string, columns: string[], rows: Row[], damage: Map<number, { line: (row: Row) => string; reason: string }>): string {
  const lines = [columns.join(',')];
  rows.forEach((row, i) => {
    const hurt = damage.get(i);
    if (hurt) {
      lines.push(hurt.line(row));
      dirty.push({ file, line: lines.length, reason: hurt.reason });
    }
    lines.push(columns.map((column) => row.values[column]).join(','));
    clean.push(row);
  });
  return `${lines.join('\n')}\n`;
}

const withValue = (columns: string[], column: string, value: string) => (row: Row) =>
  columns
    .map((c) => (c === column ? value : row.values[c]))
    .join(',')
    .replace('imp-', 'bad-');

beforeAll(async () => {
  store = await freshGcsStore();
  const registry = new ModelRegistry(store);
  ({ version } = await registerTinyModel(store, registry, { promote: true }));
  for (let ad = 1; ad < MISSING_AD; ad++) await putTestImage(store, `${folder}images/ad-${String(ad).padStart(5, '0')}.png`);

  const labelled = [...COLUMNS.filter((c) => c !== 'image_path'), 'image_path', 'impression_id', 'clicked'];
  const a = `${folder}a.csv`;
  const rowsA = Array.from({ length: 150 }, (_, n) => cleanRow(n));
  const damageA = new Map([
    [3, { line: withValue(labelled, 'user_age', 'abc'), reason: 'user_age is not a number' }],
    [20, { line: withValue(labelled, 'hour_of_day', '25'), reason: 'hour_of_day is out of range' }],
    [41, { line: (row: Row) => withValue(labelled, 'ad_id', 'x')(row).split(',').slice(0, 5).join(','), reason: 'expected 16 fields, found 5' }],
    [60, { line: withValue(labelled, 'ad_category', ''), reason: 'ad_category is missing' }],
    [77, { line: withValue(labelled, 'timestamp', 'yesterday'), reason: 'timestamp is not a timestamp' }],
    [95, { line: withValue(labelled, 'clicked', 'maybe'), reason: 'clicked is not 0 or 1' }],
    [110, { line: withValue(labelled, 'image_path', '../secret.png'), reason: 'image_path must be a relative path inside the month folder' }],
    [130, { line: withValue(labelled, 'headline', '"an unclosed quote'), reason: 'unparsable CSV' }],
  ]);
  await store.put(a, csvFile(a, labelled, rowsA, damageA));

  // No label column: data to score need not be labelled.
  const unlabelled = COLUMNS.concat('impression_id');
  const b = `${folder}late/b.csv.gz`;
  const rowsB = Array.from({ length: 40 }, (_, n) => cleanRow(1000 + n));
  const damageB = new Map([[10, { line: withValue(unlabelled, 'user_sessions_30d', '-1'), reason: 'user_sessions_30d is out of range' }]]);
  await store.put(b, gzipSync(csvFile(b, unlabelled, rowsB, damageB)));

  stack = await startWorkers(store, { training: false });
  predictor = new ChampionPredictor({ store, registry, pollSeconds: 0, imageDeadlineMs: 60_000 });
  await predictor.start();
  // a.csv is cut into parts of about 40 lines; each part scores in forward passes of 16 rows.
  const config = { ...loadConfig(), PIPELINE_TASK_QUEUE: stack.queues.pipeline, INGEST_SPLIT_BYTES: 4000, INGEST_ROWS_PER_PART: 40, BATCH_SCORE_ROWS: 16 };
  const tokens = testTokens({ ops: 'operator' });
  server = await startServer(createApp({ store, registry, predictor, temporal: stack.client, config, tokens: tokens.set }), '127.0.0.1', 0);
  operator = apiCaller(server.url, tokens.token.ops);
}, 120_000);

afterAll(async () => {
  await server?.close();
  await predictor?.close();
  await stack?.stop();
});

type Summary = Omit<BatchScoreSummary, 'prefix' | 'version' | 'summaryKey'>;
interface Status {
  status: string;
  summary: Summary | null;
  failure?: { message: string };
}

async function finished(workflowId: string): Promise<Status> {
  for (let tries = 0; tries < 600; tries++) {
    const { status, body } = await operator<Status>('GET', `/v1/batch-scores/${workflowId}`);
    expect(status).toBe(200);
    if (body.status !== 'RUNNING') return body;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${workflowId} did not finish`);
}

async function partObjects(output: string): Promise<Map<string, string>> {
  return new Map((await listAll(store, output)).filter((b) => /part-\d+\.csv$/.test(b.key)).map((b) => [b.key, b.generation]));
}

let workflowId: string;
let summary: Summary;

it('scores every clean row once, equal to POST /v1/predict, and quarantines every dirty row with its line and reason', async () => {
  const started = await operator<{ workflowId: string; version: number; prefix: string; versionFrom: string }>('POST', '/v1/batch-scores', { month });
  expect(started.status).toBe(202);
  expect(started.body).toMatchObject({ prefix: folder, version, versionFrom: 'champion' });
  ({ workflowId } = started.body);
  // The same job again, naming the version the first resolved: the same workflow, refused while it runs.
  const again = await operator<{ error: string; details: { workflowId: string } }>('POST', '/v1/batch-scores', { prefix: folder, version });
  expect(again.status).toBe(409);
  expect(again.body.details.workflowId).toBe(workflowId);

  const status = await finished(workflowId);
  expect(status.failure).toBeUndefined();
  expect(status.status).toBe('COMPLETED');
  summary = status.summary!;
  const missingImage = clean.filter((row) => row.values.ad_id === `ad-0000${MISSING_AD}` && row.values.image_path !== '').length;
  expect(summary).toMatchObject({
    output: `scores/${folder}v${version}/`,
    files: 2,
    partsReused: 0,
    rows: clean.length + dirty.length,
    scored: clean.length,
    quarantined: dirty.length,
    warnings: { 'image was not found; predicted without the image': missingImage },
  });
  expect(summary.parts).toBeGreaterThanOrEqual(4);

  const scores = new Map<string, { probability: number; version: string; count: number }>();
  for (const key of (await partObjects(summary.output)).keys()) {
    const records = parse(await store.get(key), { columns: true }) as Record<string, string>[];
    for (const record of records) {
      const seen = scores.get(record.impression_id!);
      scores.set(record.impression_id!, { probability: Number(record.click_probability), version: record.model_version!, count: (seen?.count ?? 0) + 1 });
    }
  }
  expect([...scores.keys()].sort()).toEqual(clean.map((row) => row.id).sort());
  expect([...scores.values()].every((score) => score.count === 1 && score.version === String(version))).toBe(true);

  // The same rows as prediction instances: image paths become bucket keys, as a client sends them.
  const instances = clean.map(({ values }) => ({ ...values, clicked: null, image_path: values.image_path ? `${folder}${values.image_path}` : null }));
  const served = await operator<{ modelVersion: number; predictions: { clickProbability: number; warnings?: string[] }[] }>('POST', '/v1/predict', {
    instances,
  });
  expect(served.status).toBe(200);
  expect(served.body.modelVersion).toBe(version);
  const worst = Math.max(...clean.map((row, i) => Math.abs(scores.get(row.id)!.probability - served.body.predictions[i]!.clickProbability)));
  expect(worst).toBeLessThan(1e-6);
  // Serving warns about exactly the rows batch scoring counted as scored without their image.
  expect(served.body.predictions.filter((p) => p.warnings?.some((w) => w.includes('was not found'))).length).toBe(missingImage);
  // The scores are not all one number: the model is fed each row's features.
  expect(new Set([...scores.values()].map((score) => score.probability.toFixed(6))).size).toBeGreaterThan(10);

  const quarantined: QuarantineEntry[] = [];
  for (const key of (await listAll(store, summary.output)).filter((b) => b.key.endsWith('.quarantine.jsonl')).map((b) => b.key))
    for await (const entry of readJsonLines<QuarantineEntry>(store, key)) quarantined.push(entry);
  const byPlace = (x: { file: string; line: number }, y: { file: string; line: number }) => x.file.localeCompare(y.file) || x.line - y.line;
  expect(quarantined.map(({ file, line }) => ({ file, line })).sort(byPlace)).toEqual(dirty.map(({ file, line }) => ({ file, line })).sort(byPlace));
  for (const entry of quarantined) expect(entry.reason).toContain(dirty.find((d) => d.file === entry.file && d.line === entry.line)!.reason);
  expect(Object.values(summary.quarantineReasons).reduce((a, b) => a + b, 0)).toBe(dirty.length);

  // The summary is in the bucket too; the split copies are gone; the Temporal UI shows parts done / total.
  expect(await getJson(store, `${summary.output}summary.json`)).toMatchObject({ scored: clean.length, quarantined: dirty.length });
  expect(await listAll(store, `${summary.output}_split/`)).toEqual([]);
  const handle = stack.client.workflow.getHandle(workflowId);
  expect(await handle.query(batchScoreProgressQuery)).toMatchObject({
    stage: 'done',
    parts: { total: summary.parts, done: summary.parts },
    rows: { scored: clean.length, quarantined: dirty.length },
  });
  const metadata = await handle.query<{ currentDetails: string }>('__temporal_workflow_metadata');
  expect(metadata.currentDetails).toContain(`Parts ${summary.parts} / ${summary.parts}`);
  expect(metadata.currentDetails).toContain(`rows scored ${clean.length}`);
}, 180_000);

it('scores again only the part whose output was deleted; every other part is reused untouched, a stale one removed', async () => {
  const before = await partObjects(summary.output);
  const [deleted] = [...before.keys()].filter((key) => key.includes('/a.csv/part-00001'));
  expect(deleted).toBeDefined();
  const bytes = await store.get(deleted!);
  await store.delete(deleted!);
  // A part this run will not have (as if a.csv had been cut into more parts before) is removed.
  await store.put(`${summary.output}a.csv/part-00099.csv`, 'stale');

  const started = await operator<{ workflowId: string }>('POST', '/v1/batch-scores', { month, version });
  expect(started.status).toBe(202);
  expect(started.body.workflowId).toBe(workflowId);
  const rerun = await finished(workflowId);
  expect(rerun.summary).toMatchObject({ ...summary, partsReused: summary.parts - 1 });

  const after = await partObjects(summary.output);
  expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
  for (const [key, generation] of before) if (key !== deleted) expect(after.get(key), key).toBe(generation);
  expect((await store.get(deleted!)).equals(bytes)).toBe(true);
}, 180_000);

it('refuses what it cannot score, naming the problem', async () => {
  const cases: [unknown, number, string][] = [
    [{}, 400, 'name either a month or a prefix'],
    [{ month, prefix: folder }, 400, 'name either a month or a prefix'],
    [{ month: '2026-13' }, 400, 'month: must be a month as YYYY-MM'],
    [{ prefix: '../raw/' }, 400, 'prefix must be folder names'],
    [{ prefix: `scores/${folder}` }, 400, 'where batch scores are written'],
    [{ month, version: 99 }, 404, 'model version v99 is not in the registry'],
    [{ prefix: 'nothing-here/' }, 404, 'no CSV files under nothing-here/'],
    [{ month, version: 0 }, 400, 'version'],
  ];
  for (const [body, status, message] of cases) {
    const answer = await operator<{ error: string }>('POST', '/v1/batch-scores', body);
    expect([answer.status, answer.body.error], JSON.stringify(body)).toEqual([status, expect.stringContaining(message)]);
  }
  expect((await operator<{ error: string }>('GET', '/v1/batch-scores/not-an-id')).status).toBe(400);
  expect((await operator<{ error: string }>('GET', '/v1/batch-scores/batch-score-v1-never~started')).status).toBe(404);
});

it('runs from the command line: cut differently (its own INGEST_* settings), a.csv is scored again whole, old parts removed; again, all reused', async () => {
  const run = (args: string[]) =>
    promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/batch-score.ts', ...args], {
      cwd: path.resolve(import.meta.dirname, '..'),
      env: {
        ...process.env,
        STORAGE_URL: store.url,
        GCS_API_ENDPOINT: inject('gcsEndpoint'),
        TEMPORAL_ADDRESS: inject('temporalAddress'),
        PIPELINE_TASK_QUEUE: stack.queues.pipeline,
      },
    });
  const counts = { rows: summary.rows, scored: summary.scored, quarantined: summary.quarantined, quarantineReasons: summary.quarantineReasons };
  const first = await run(['--month', month]);
  expect(first.stdout).toContain(`scoring ${folder} with v${version} (the champion): workflow ${workflowId}`);
  expect(JSON.parse(first.stdout.slice(first.stdout.indexOf('{')))).toMatchObject({ ...counts, parts: 2, partsReused: 1 });
  const aParts = (await listAll(store, `${summary.output}a.csv/`)).map((b) => b.key.slice(`${summary.output}a.csv/`.length)).sort();
  expect(aParts).toEqual(['part-00000.csv', 'part-00000.json', 'part-00000.quarantine.jsonl']);
  const second = await run(['--month', month]);
  expect(JSON.parse(second.stdout.slice(second.stdout.indexOf('{')))).toMatchObject({ ...counts, parts: 2, partsReused: 2 });

  const refused = await run(['--month', month, '--version', '99']).catch((error: { code: number; stderr: string }) => error);
  expect(refused).toMatchObject({ code: 2, stderr: expect.stringContaining('model version v99 is not in the registry') });
}, 120_000);
