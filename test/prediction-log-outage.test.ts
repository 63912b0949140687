// The bucket's API gone for a while under live traffic: predictions keep being answered, the log keeps the
// batches the bucket refused and writes them once it is back, so an outage costs only what overflows the
// buffer, and /health and /metrics say what happened. The GCS API is its own fake-gcs-server on a file
// backend: stopped and started again on the same port, it comes back with its objects, like the service.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ModelRegistry } from '../core/registry/model-registry';
import type { GcsStore } from '../core/storage/gcs-store';
import { startOwnGcs, type OwnGcs } from './helpers/own-gcs';
import { postPredict, readPredictionLog, serveWithPredictionLog } from './helpers/prediction-log';
import { putTestImage, registerTinyModel, tinyInstance } from './helpers/tiny-model';
import { waitFor } from './helpers/wait-for';

let gcs: OwnGcs;
let store: GcsStore;

beforeAll(async () => {
  gcs = await startOwnGcs('log-outage');
  store = await gcs.store('log-outage');
  await putTestImage(store);
  await registerTinyModel(store, new ModelRegistry(store));
});
afterAll(async () => gcs?.remove());

const ids = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `out-${from + i}`);

it('keeps answering while the bucket is down, writes the refused batches once it is back, and loses only what overflows', { timeout: 240_000 }, async () => {
  const api = await serveWithPredictionLog(store, { flushRecords: 5, maxBuffered: 30 });
  const predict = async (impressions: string[]) => {
    const { status, body } = await postPredict(
      api,
      impressions.map((id) => tinyInstance({ impression_id: id })),
    );
    expect(status).toBe(200);
    expect(body.predictions).toHaveLength(impressions.length);
  };
  try {
    await predict(ids(0, 5));
    await waitFor('the first batch written', async () => api.log.stats().logged === 5, 60_000);

    await gcs.stop();
    await predict(ids(5, 15));
    await waitFor('a refused write', async () => api.log.stats().writeErrors >= 1, 60_000);
    expect(api.log.stats()).toMatchObject({ logged: 5, dropped: 0, failed: 0, buffered: 10 });
    // 10 wait; the buffer holds 30, so 20 more are kept and the 5 newest dropped.
    await predict(ids(15, 40));
    expect(api.log.stats()).toMatchObject({ logged: 5, dropped: 5, failed: 0, buffered: 30 });

    await gcs.start();
    await api.log.flush();
    const stats = api.log.stats();
    expect(stats).toMatchObject({ logged: 35, dropped: 5, failed: 0, buffered: 0 });
    const health = (await (await fetch(`${api.url}/health`)).json()) as { predictionLog: unknown };
    expect(health.predictionLog).toEqual(stats);
    const metrics = await (await fetch(`${api.url}/metrics`, { headers: { authorization: `Bearer ${api.token}` } })).text();
    expect(metrics).toMatch(new RegExp(`^adclick_prediction_log_write_errors ${stats.writeErrors}$`, 'm'));
    expect(metrics).toMatch(/^adclick_prediction_log_entries\{outcome="dropped"\} 5$/m);
  } finally {
    await api.stop();
  }
  const logged = (await readPredictionLog(store)).map((entry) => entry.id);
  expect(logged.sort()).toEqual(ids(0, 35).sort());
});
