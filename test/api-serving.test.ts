// The prediction API over real HTTP: a real tiny model in a real GCS bucket, served by the champion
// predictor, hot-swapped when the champion changes; every error answered in the { error } shape.
import type { Readable } from 'node:stream';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { createApp } from '../api/app';
import { startServer, type RunningServer } from '../api/lib/serve';
import { loadConfig } from '../core/config';
import { ModelRegistry } from '../core/registry/model-registry';
import { ChampionPredictor } from '../core/serving/champion-predictor';
import type { BlobInfo, BlobStore, PutOptions } from '../core/storage/blob-store';
import { apiCaller, testTokens, type ApiCall } from './helpers/api';
import { freshGcsStore } from './helpers/stack';
import { imageKey, putTestImage, registerTinyModel, tinyInstance } from './helpers/tiny-model';

interface Predictions {
  modelVersion: number;
  predictions: { clickProbability: number; warnings?: string[] }[];
}
interface ErrorBody {
  error: string;
  details?: unknown;
}
interface Health {
  status: string;
  tensorflowBackend: string | null;
  champion: number | null;
  loadedAt: string | null;
}

/** The real bucket, counting reads, where reads of chosen keys wait until the test lets them through. */
class WatchedStore implements BlobStore {
  readonly reads = new Map<string, number>();
  private readonly held = new Map<string, Promise<void>>();
  constructor(private readonly inner: BlobStore) {}
  hold(key: string): () => void {
    let open!: () => void;
    this.held.set(
      key,
      new Promise<void>((resolve) => {
        open = resolve;
      }),
    );
    return () => {
      this.held.delete(key);
      open();
    };
  }
  get url() {
    return this.inner.url;
  }
  put(key: string, body: Buffer | string | Readable, options?: PutOptions): Promise<BlobInfo> {
    return this.inner.put(key, body, options);
  }
  getStream(key: string) {
    return this.inner.getStream(key);
  }
  async get(key: string) {
    this.reads.set(key, (this.reads.get(key) ?? 0) + 1);
    await this.held.get(key);
    return this.inner.get(key);
  }
  stat(key: string) {
    return this.inner.stat(key);
  }
  list(prefix: string) {
    return this.inner.list(prefix);
  }
  delete(key: string) {
    return this.inner.delete(key);
  }
}

let store: WatchedStore;
let registry: ModelRegistry;
let predictor: ChampionPredictor;
let temporal: Client;
let server: RunningServer;
const tokens = testTokens({ predict: 'predict' });
let call: ApiCall;
const predict = (instances: unknown) => call<Predictions & ErrorBody>('POST', '/v1/predict', { instances });

beforeAll(async () => {
  store = new WatchedStore(await freshGcsStore());
  registry = new ModelRegistry(store);
  // Held image reads below must outlast a swap: a long image deadline here; its own test checks a short one.
  predictor = new ChampionPredictor({ store, registry, pollSeconds: 0, imageDeadlineMs: 60_000 });
  await predictor.start();
  temporal = new Client({ connection: await Connection.connect({ address: inject('temporalAddress') }) });
  server = await startServer(createApp({ store, registry, predictor, temporal, config: loadConfig(), tokens: tokens.set }), '127.0.0.1', 0);
  call = apiCaller(server.url, tokens.token.predict);
});

afterAll(async () => {
  await server?.close();
  await predictor?.close();
  await temporal?.connection.close();
});

describe('before any champion', () => {
  it('is healthy with no champion, and predictions answer 503', async () => {
    const health = await call<Health>('GET', '/health');
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ status: 'no-champion', champion: null, loadedAt: null });
    expect(health.body.tensorflowBackend).toMatch(/^tensorflow-(cpu|gpu)$|^js-cpu$/);
    const refused = await predict([tinyInstance()]);
    expect(refused).toEqual({ status: 503, body: { error: 'no champion model has been promoted yet' } });
  });
});

describe('with a champion', () => {
  let v1: number;
  beforeAll(async () => {
    await putTestImage(store);
    v1 = (await registerTinyModel(store, registry)).version;
    await predictor.refresh();
  });

  it('serves it: probabilities in (0, 1), and the version on every response', async () => {
    const health = await call<Health>('GET', '/health');
    expect(health.body).toMatchObject({ status: 'ok', champion: v1 });
    const { status, body } = await predict([
      tinyInstance(),
      tinyInstance({ image_path: null, user_past_clicks_30d: null }),
      tinyInstance({ device: 'smart-fridge', headline: '' }),
    ]);
    expect(status).toBe(200);
    expect(body.modelVersion).toBe(v1);
    expect(body.predictions).toHaveLength(3);
    for (const prediction of body.predictions) {
      expect(prediction.clickProbability).toBeGreaterThan(0);
      expect(prediction.clickProbability).toBeLessThan(1);
    }
    expect(body.predictions.map((p) => p.warnings)).toEqual([
      undefined,
      undefined,
      ['device "smart-fridge" was not seen in training; scored as an unknown device'],
    ]);
  });

  it('predicts without a missing or corrupt image and says so per instance', async () => {
    const corrupt = imageKey(2);
    await store.put(corrupt, Buffer.from('not a png at all'));
    const { status, body } = await predict([
      tinyInstance({ image_path: imageKey(3) }),
      tinyInstance({ image_path: corrupt }),
      tinyInstance({ clicks_yesterday: 4 }),
    ]);
    expect(status).toBe(200);
    expect(body.predictions[0]!.warnings).toEqual([`image ${imageKey(3)} was not found; predicted without the image`]);
    expect(body.predictions[1]!.warnings).toEqual([
      expect.stringMatching(new RegExp(`^image ${corrupt} could not be decoded \\(.+\\); predicted without the image$`)),
    ]);
    expect(body.predictions[2]!.warnings).toEqual(['ignored unknown fields: clicks_yesterday']);
    // Without its image an instance is scored like one that has none.
    const none = await predict([tinyInstance({ image_path: null })]);
    expect(body.predictions[0]!.clickProbability).toBeCloseTo(none.body.predictions[0]!.clickProbability, 6);
  });

  it('scores a batch of 1000 instances, fetching each distinct image once', async () => {
    await Promise.all([4, 5, 6].map((ad) => putTestImage(store, imageKey(ad))));
    const instances = Array.from({ length: 1000 }, (_, i) => tinyInstance({ image_path: imageKey(4 + (i % 4)), user_age: 18 + (i % 60) }));
    for (let request = 0; request < 2; request++) {
      const { status, body } = await predict(instances);
      expect(status).toBe(200);
      expect(body.predictions).toHaveLength(1000);
      // ad 7 has no image: its 250 impressions are scored without one.
      expect(body.predictions.filter((p) => p.warnings).length).toBe(250);
      expect(new Set(body.predictions.map((p) => p.clickProbability.toFixed(6))).size).toBeGreaterThan(1);
    }
    // Decoded images are cached for the model; a missing one is looked up again on the next request.
    expect([4, 5, 6, 7].map((ad) => store.reads.get(imageKey(ad)))).toEqual([1, 1, 1, 2]);
  });

  it.each([
    ['a body that is not JSON', '{"instances": [', 400, 'Malformed JSON in request body'],
    ['a body without instances', {}, 400, 'instances: required: an array of 1 to 1000 instances'],
    ['instances that is not an array', { instances: 'all of them' }, 400, 'instances: must be an array of instances'],
    ['an empty instances array', { instances: [] }, 400, 'instances: must not be empty'],
    ['1001 instances', { instances: Array.from({ length: 1001 }, () => tinyInstance()) }, 400, 'instances: at most 1000 instances per request'],
    [
      'a value that is not a string, number or null',
      { instances: [tinyInstance({}), { ...tinyInstance(), device: true }] },
      400,
      'instances[1].device: must be a string, a number or null',
    ],
    [
      'an instance that fails the row validation',
      { instances: [0, 1, 2, 3].map((i) => tinyInstance(i === 3 ? { user_age: 'abc' } : {})) },
      400,
      'instances[3]: user_age is not a number: "abc"',
    ],
    ['an out-of-range value', { instances: [tinyInstance({ hour_of_day: 24 })] }, 400, 'instances[0]: hour_of_day is out of range [0, 23]: 24'],
    ['a timestamp that is not one', { instances: [tinyInstance({ timestamp: 'yesterday' })] }, 400, 'instances[0]: timestamp is not a timestamp: "yesterday"'],
    [
      'an image key outside raw/',
      { instances: [tinyInstance({ image_path: 'registry/aliases/champion.json' })] },
      400,
      'instances[0]: image_path must be a bucket key under raw/: "registry/aliases/champion.json"',
    ],
    [
      'an image path climbing out',
      { instances: [tinyInstance({ image_path: 'raw/../registry/x.png' })] },
      400,
      'instances[0]: image_path must be a relative path inside the month folder: "raw/../registry/x.png"',
    ],
  ])('answers 400 naming the problem for %s', async (_, body, status, message) => {
    const response = await call<ErrorBody>('POST', '/v1/predict', body);
    expect(response.status).toBe(status);
    expect(response.body.error).toBe(message);
  });

  it('predicts for now when an instance carries no timestamp', async () => {
    const { status, body } = await predict([tinyInstance({ timestamp: null })]);
    expect(status).toBe(200);
    expect(body.predictions[0]!.clickProbability).toBeGreaterThan(0);
  });

  it('lists every invalid instance in details', async () => {
    const { status, body } = await predict([tinyInstance({ user_age: 'abc' }), tinyInstance(), tinyInstance({ device: '' })]);
    expect(status).toBe(400);
    expect(body.error).toBe('instances[0]: user_age is not a number: "abc" (and 1 more invalid instances)');
    expect(body.details).toEqual([
      { index: 0, reason: 'user_age is not a number: "abc"' },
      { index: 2, reason: 'device is missing' },
    ]);
  });

  it('answers 415 for a body not sent as JSON and 413 for one over 1 MB', async () => {
    const headers = { 'content-type': 'text/plain', authorization: `Bearer ${tokens.token.predict}` };
    const text = await fetch(`${server.url}/v1/predict`, { method: 'POST', headers, body: 'instances' });
    expect(text.status).toBe(415);
    expect(await text.json()).toEqual({ error: 'request body must be JSON (Content-Type: application/json)' });
    const huge = await call<ErrorBody>('POST', '/v1/predict', { instances: [tinyInstance({ headline: 'x'.repeat(1024 * 1024) })] });
    expect(huge).toEqual({ status: 413, body: { error: 'request body is larger than 1048576 bytes (1 MB)' } });
  });

  it('hot-swaps to a newly promoted champion on refresh', async () => {
    const before = await call<Health>('GET', '/health');
    // Promoted by someone else (the pipeline): this process notices on its next poll, or now on refresh().
    const v2 = (await registerTinyModel(store, registry, { reason: 'second tiny model' })).version;
    expect((await predict([tinyInstance()])).body.modelVersion).toBe(v1);
    await predictor.refresh();
    expect((await predict([tinyInstance()])).body.modelVersion).toBe(v2);
    const after = await call<Health>('GET', '/health');
    expect(after.body.champion).toBe(v2);
    expect(Date.parse(after.body.loadedAt!)).toBeGreaterThan(Date.parse(before.body.loadedAt!));
  });

  it('follows a promotion made elsewhere on its own, by polling the champion alias', async () => {
    const polling = new ChampionPredictor({ store, registry, pollSeconds: 0.2 });
    try {
      await polling.start();
      expect(polling.status().champion).toBe(predictor.status().champion);
      const next = (await registerTinyModel(store, registry, { reason: 'promoted while polling' })).version;
      await vi.waitFor(() => expect(polling.status().champion).toBe(next), { timeout: 10_000, interval: 100 });
    } finally {
      await polling.close();
    }
    await predictor.refresh();
  });

  it('finishes a request on the model it started with when a swap happens meanwhile', async () => {
    const serving = predictor.status().champion;
    const key = imageKey(9);
    await putTestImage(store, key);
    const release = store.hold(key);
    const pending = predictor.predict([tinyInstance({ image_path: key })]);
    const next = (await registerTinyModel(store, registry, { reason: 'swap during a request' })).version;
    await predictor.refresh();
    expect(predictor.status().champion).toBe(next);
    release();
    const result = await pending;
    expect(result.modelVersion).toBe(serving);
    expect(result.predictions[0]!.clickProbability).toBeGreaterThan(0);
    expect(result.predictions[0]!.warnings).toBeUndefined();
  });

  it('scores without an image that storage is slow to return, past the deadline, with a warning', async () => {
    const quick = new ChampionPredictor({ store, registry, pollSeconds: 0, imageDeadlineMs: 200 });
    await quick.start();
    const key = imageKey(11);
    await putTestImage(store, key);
    const release = store.hold(key);
    try {
      const result = await quick.predict([tinyInstance({ image_path: key })]);
      expect(result.predictions[0]!.warnings).toEqual([`image ${key} took longer than 200 ms to fetch; predicted without the image`]);
    } finally {
      release();
      await quick.close();
    }
  });

  it('serves its OpenAPI document and answers unknown routes in the error shape', async () => {
    const doc = await call<{ openapi: string; paths: Record<string, unknown> }>('GET', '/openapi.json');
    expect(doc.status).toBe(200);
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining([
        '/health',
        '/v1/predict',
        '/v1/runs',
        '/v1/runs/{month}',
        '/v1/runs/{month}/cancel',
        '/v1/models',
        '/v1/models/champion',
        '/v1/models/history',
        '/v1/models/{version}',
        '/v1/models/{version}/promote',
      ]),
    );
    expect(await call('GET', '/v2/nothing')).toEqual({ status: 404, body: { error: 'no route for GET /v2/nothing' } });
  });
});
