// The prediction log over real HTTP and a real GCS bucket: what the API serves reaches time-partitioned
// shards with its version, probability and impression id; a full buffer drops and counts, never refusing
// a request; the API's stop writes what is left.
import { beforeAll, expect, inject, it } from 'vitest';
import { startApi } from '../api/lib/start-api';
import { loadConfig } from '../core/config';
import { ModelRegistry } from '../core/registry/model-registry';
import { GcsStore } from '../core/storage/gcs-store';
import { PredictionLog } from '../core/serving/prediction-log';
import { newToken } from './helpers/api';
import { postPredict, readPredictionLog, serveWithPredictionLog } from './helpers/prediction-log';
import { freshGcsStore } from './helpers/stack';
import { putTestImage, registerTinyModel, tinyInstance } from './helpers/tiny-model';

let store: GcsStore;
let version: number;

beforeAll(async () => {
  store = await freshGcsStore();
  await putTestImage(store);
  version = (await registerTinyModel(store, new ModelRegistry(store))).version;
});

const SHARD = /^predictions\/\d{4}-\d{2}-\d{2}\/[A-Za-z0-9_-]+-\d{6}\.jsonl\.gz$/;

it('logs each served prediction with its request, impression id, model version, probability and time', async () => {
  const api = await serveWithPredictionLog(store);
  const before = Date.now();
  const instances = [tinyInstance({ impression_id: 'imp-1' }), tinyInstance({ impression_id: ' imp-2 ', user_age: 60 }), tinyInstance()];
  const { status, body } = await postPredict(api, instances);
  expect(status).toBe(200);
  expect(await readPredictionLog(store)).toEqual([]);
  await api.stop();

  const logged = await readPredictionLog(store);
  expect(logged.map(({ id, modelVersion, probability }) => ({ id, modelVersion, probability }))).toEqual([
    { id: 'imp-1', modelVersion: version, probability: body.predictions[0]!.clickProbability },
    { id: 'imp-2', modelVersion: version, probability: body.predictions[1]!.clickProbability },
    { id: undefined, modelVersion: version, probability: body.predictions[2]!.clickProbability },
  ]);
  expect(new Set(logged.map((entry) => entry.requestId)).size).toBe(1);
  for (const entry of logged) {
    expect(entry.shard).toMatch(SHARD);
    expect(entry.shard.slice('predictions/'.length, 'predictions/YYYY-MM-DD'.length)).toBe(entry.at.slice(0, 10));
    expect(Date.parse(entry.at)).toBeGreaterThanOrEqual(before - 1000);
    expect(entry.instance).toBeUndefined();
  }
  await Promise.all(logged.map((entry) => store.delete(entry.shard)));
});

it('answers every request when the buffer is full, dropping and counting what does not fit', async () => {
  const api = await serveWithPredictionLog(store, { maxBuffered: 5, includeInstances: true });
  const instances = Array.from({ length: 8 }, (_, i) => tinyInstance({ impression_id: `full-${i}` }));
  const { status, body } = await postPredict(api, instances);
  expect(status).toBe(200);
  expect(body.predictions).toHaveLength(8);
  const health = (await (await fetch(`${api.url}/health`)).json()) as { predictionLog: unknown };
  expect(health.predictionLog).toEqual({ logged: 0, dropped: 3, failed: 0, shards: 0, buffered: 5, writeErrors: 0 });
  await api.stop();
  const logged = await readPredictionLog(store);
  expect(logged.map((entry) => entry.id)).toEqual(['full-0', 'full-1', 'full-2', 'full-3', 'full-4']);
  expect(logged[0]!.instance).toEqual(instances[0]);
  expect(api.log.stats()).toEqual({ logged: 5, dropped: 3, failed: 0, shards: 1, buffered: 0, writeErrors: 0 });
  await Promise.all(logged.map((entry) => store.delete(entry.shard)));
});

it('writes a batch once it holds flushRecords entries, without waiting for the timer', async () => {
  const api = await serveWithPredictionLog(store, { flushRecords: 4 });
  await postPredict(
    api,
    Array.from({ length: 5 }, (_, i) => tinyInstance({ impression_id: `batch-${i}` })),
  );
  await expect.poll(async () => (await readPredictionLog(store)).length, { timeout: 10_000 }).toBe(5);
  await postPredict(api, [tinyInstance({ impression_id: 'batch-5' })]);
  await api.stop();
  const logged = await readPredictionLog(store);
  expect(logged.map((entry) => entry.id)).toEqual(['batch-0', 'batch-1', 'batch-2', 'batch-3', 'batch-4', 'batch-5']);
  expect(new Set(logged.map((entry) => entry.shard)).size).toBe(2);
  await Promise.all(logged.map((entry) => store.delete(entry.shard)));
});

it("is flushed by the API's stop, and off when the sample rate is 0", async () => {
  const token = newToken();
  const config = (rate: string) =>
    loadConfig({
      STORAGE_URL: store.url,
      GCS_API_ENDPOINT: inject('gcsEndpoint'),
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      API_PORT: '0',
      SERVING_POLL_SECONDS: '3600',
      API_TOKENS: `client:predict:${token}`,
      PREDICTION_LOG_SAMPLE_RATE: rate,
    });
  const api = await startApi(config('1'));
  expect((await postPredict({ url: api.url, token }, [tinyInstance({ impression_id: 'at-stop' })])).status).toBe(200);
  expect(await readPredictionLog(store)).toEqual([]);
  await api.stop();
  expect((await readPredictionLog(store)).map((entry) => entry.id)).toEqual(['at-stop']);

  const off = await startApi(config('0'));
  expect((await postPredict({ url: off.url, token }, [tinyInstance({ impression_id: 'not-logged' })])).status).toBe(200);
  expect(off.predictor.status().predictionLog).toBeUndefined();
  await off.stop();
  expect((await readPredictionLog(store)).map((entry) => entry.id)).toEqual(['at-stop']);
});

it('keeps a refused batch for the next write, and counts as failed what is still refused when the log closes', async () => {
  // A bucket the real GCS server does not have: every write is refused.
  const missing = new GcsStore({ bucket: `missing-${Date.now()}`, apiEndpoint: inject('gcsEndpoint'), projectId: 'adclick-test' });
  const log = new PredictionLog({ store: missing, sampleRate: 1, flushRecords: 100, flushSeconds: 3600, maxBuffered: 100, includeInstances: false });
  log.record({ modelVersion: 1, idColumn: 'impression_id', instances: [tinyInstance({ impression_id: 'a' }), tinyInstance()], probabilities: [0.1, 0.2] });
  await log.flush();
  expect(log.stats()).toEqual({ logged: 0, dropped: 0, failed: 0, shards: 0, buffered: 2, writeErrors: 1 });
  log.record({ modelVersion: 1, instances: [tinyInstance()], probabilities: [0.3] });
  await log.close();
  expect(log.stats()).toEqual({ logged: 0, dropped: 0, failed: 3, shards: 0, buffered: 0, writeErrors: 2 });
});

it('samples by impression id: an id is logged every time it is served or never, about the sample rate of ids', async () => {
  const sampledStore = await freshGcsStore();
  await putTestImage(sampledStore);
  await registerTinyModel(sampledStore, new ModelRegistry(sampledStore));
  const api = await serveWithPredictionLog(sampledStore, { sampleRate: 0.5 });
  const ids = Array.from({ length: 200 }, (_, i) => `imp-${i}`);
  for (let round = 0; round < 3; round++)
    expect(
      (
        await postPredict(
          api,
          ids.map((id) => tinyInstance({ impression_id: id })),
        )
      ).status,
    ).toBe(200);
  await api.stop();

  const timesLogged = new Map<string, number>();
  for (const entry of await readPredictionLog(sampledStore)) timesLogged.set(entry.id!, (timesLogged.get(entry.id!) ?? 0) + 1);
  expect([...timesLogged.values()].every((times) => times === 3)).toBe(true);
  expect(timesLogged.size).toBeGreaterThan(70);
  expect(timesLogged.size).toBeLessThan(130);
});
