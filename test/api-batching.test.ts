// Request batching over real HTTP on a real tiny model: concurrent predict requests share forward passes
// (counted in /metrics), each answered with exactly its own rows and warnings, equal to unbatched serving;
// a bad request fails alone; a hot swap under batched load answers every request from one version.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelRegistry } from '../core/registry/model-registry';
import type { BlobStore } from '../core/storage/blob-store';
import type { ApiCall } from './helpers/api';
import { freshGcsStore } from './helpers/stack';
import { serveChampion, type TinyChampionApi } from './helpers/tiny-champion-api';
import { imageKey, putTestImage, registerTinyModel, tinyInstance } from './helpers/tiny-model';

type Instance = Record<string, string | number | null>;
interface Predictions {
  modelVersion: number;
  predictions: { clickProbability: number; warnings?: string[] }[];
}

const DEVICES = ['mobile', 'desktop', 'tablet', 'smart-fridge'];
// Ads 1–4 have images; ad 5's is missing, so its instances carry a warning.
const instanceFor = (request: number, index: number): Instance =>
  tinyInstance({
    ad_id: `ad-0000${1 + ((request + index) % 5)}`,
    image_path: imageKey(1 + ((request + index) % 5)),
    device: DEVICES[(request * 3 + index) % 4]!,
    user_age: 18 + ((request * 7 + index) % 60),
    hour_of_day: (request + 2 * index) % 24,
  });
// Requests of 1 to 4 instances, each different.
const requests: Instance[][] = Array.from({ length: 48 }, (_, r) => Array.from({ length: 1 + (r % 4) }, (_, i) => instanceFor(r, i)));

let store: BlobStore;
let batched: Omit<TinyChampionApi, 'version'>;
let unbatched: Omit<TinyChampionApi, 'version'>;
let version: number;

beforeAll(async () => {
  store = await freshGcsStore();
  for (let ad = 1; ad <= 4; ad++) await putTestImage(store, imageKey(ad));
  ({ version } = await registerTinyModel(store, new ModelRegistry(store)));
  // A long window: the requests of one burst meet in a pass even on a busy machine.
  batched = await serveChampion(store, { batching: { windowMs: 50, maxRows: 64 } });
  unbatched = await serveChampion(store, { batching: { windowMs: 0, maxRows: 64 } });
});
afterAll(async () => {
  await batched?.stop();
  await unbatched?.stop();
});

const predict = (call: ApiCall, instances: unknown, path = '/v1/predict') => call<Predictions & { error?: string }>('POST', path, { instances });

/** Forward passes and the requests they answered, from /metrics. */
async function passes(api: Omit<TinyChampionApi, 'version'>): Promise<{ passes: number; requests: number; instances: number }> {
  const { body } = await api.call<string>('GET', '/metrics');
  const sample = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(body)?.[1] ?? 'NaN');
  return {
    passes: sample('adclick_predict_batch_requests_count'),
    requests: sample('adclick_predict_batch_requests_sum'),
    instances: sample('adclick_predict_batch_instances_sum'),
  };
}

describe('batched serving', () => {
  let expected: Predictions[];
  beforeAll(async () => {
    // The baseline: one request at a time, each its own forward pass.
    expected = [];
    for (const instances of requests) {
      const { status, body } = await predict(unbatched.call, instances);
      expect(status).toBe(200);
      expected.push(body);
    }
  });

  it('answers concurrent requests from shared forward passes, each with its own rows and warnings, as unbatched serving does', async () => {
    const before = await passes(batched);
    const answers = await Promise.all(requests.map((instances) => predict(batched.call, instances)));
    const after = await passes(batched);
    answers.forEach(({ status, body }, r) => {
      expect(status).toBe(200);
      expect(body.modelVersion).toBe(version);
      expect(body.predictions).toHaveLength(requests[r]!.length);
      body.predictions.forEach((prediction, i) => {
        const baseline = expected[r]!.predictions[i]!;
        expect(Math.abs(prediction.clickProbability - baseline.clickProbability)).toBeLessThan(1e-6);
        expect(prediction.warnings).toEqual(baseline.warnings);
      });
    });
    // The instances differ enough that a mix-up of rows between requests would show.
    expect(new Set(expected.flatMap((e) => e.predictions.map((p) => p.clickProbability.toFixed(6)))).size).toBeGreaterThan(40);
    expect(expected.some((e) => e.predictions.some((p) => p.warnings?.some((w) => w.includes(imageKey(5)))))).toBe(true);
    expect(expected.some((e) => e.predictions.some((p) => p.warnings?.some((w) => w.includes('smart-fridge'))))).toBe(true);
    // Every request and instance was scored, in fewer forward passes than requests.
    expect(after.requests - before.requests).toBe(requests.length);
    expect(after.instances - before.instances).toBe(requests.flat().length);
    expect(after.passes - before.passes).toBeLessThan(requests.length);
    // Unbatched, every request is its own pass.
    const alone = await passes(unbatched);
    expect(alone.passes).toBe(alone.requests);
  });

  it('batches the TF Serving :predict route with /v1/predict, answering each in its own format', async () => {
    const answers = await Promise.all(
      requests.map((instances, r) => (r % 2 === 0 ? predict(batched.call, instances, '/v1/models/adclick:predict') : predict(batched.call, instances))),
    );
    answers.forEach(({ status, body }, r) => {
      expect(status).toBe(200);
      const baseline = expected[r]!.predictions.map((p) => p.clickProbability);
      const got = r % 2 === 0 ? (body.predictions as unknown as number[]) : body.predictions.map((p) => p.clickProbability);
      expect(got).toHaveLength(baseline.length);
      got.forEach((p, i) => expect(Math.abs(p - baseline[i]!)).toBeLessThan(1e-6));
    });
  });

  it('refuses an invalid request alone: the requests batched beside it are answered', async () => {
    const bad = [tinyInstance(), tinyInstance({ user_age: 'old' })];
    const answers = await Promise.all([...requests.slice(0, 8), bad, ...requests.slice(8, 16)].map((instances) => predict(batched.call, instances)));
    const refused = answers.splice(8, 1)[0]!;
    expect(refused).toMatchObject({ status: 400, body: { error: 'instances[1]: user_age is not a number: "old"' } });
    answers.forEach(({ status, body }, r) => {
      expect(status).toBe(200);
      expect(body.predictions.map((p) => p.clickProbability.toFixed(6))).toEqual(expected[r]!.predictions.map((p) => p.clickProbability.toFixed(6)));
    });
  });
});

describe('a hot swap under batched load', () => {
  it('answers every request from one version, with that version named, and ends on the new one', async () => {
    const registry = new ModelRegistry(store);
    // Each answer during the swap, with the index of the request it answered.
    const answered: { r: number; body: Predictions }[] = [];
    const answersOf = async () => (await Promise.all(requests.map((instances) => predict(batched.call, instances)))).map(({ body }) => body);
    const v1Answers = await answersOf();
    // Another seed: the new champion scores the same instances differently, so a mixed batch would show.
    const next = await registerTinyModel(store, registry, { reason: 'swap under load', seed: 7 });
    let swapped = false;
    const clients = Array.from({ length: 8 }, async (_, c) => {
      for (let round = 0; round < 12; round++) {
        const r = (c * 12 + round) % requests.length;
        const { status, body } = await predict(batched.call, requests[r]!);
        expect(status).toBe(200);
        answered.push({ r, body });
        if (c === 0 && round === 4) await batched.predictor.refresh().then(() => (swapped = true));
      }
    });
    await Promise.all(clients);
    expect(swapped).toBe(true);
    const v2Answers = await answersOf();
    expect(new Set(v2Answers.map((a) => a.modelVersion))).toEqual(new Set([next.version]));
    expect(new Set(answered.map(({ body }) => body.modelVersion))).toEqual(new Set([version, next.version]));
    // Each response equals what its named version gives for those instances, row by row.
    for (const { r, body } of answered) {
      const reference = (body.modelVersion === version ? v1Answers : v2Answers)[r]!;
      body.predictions.forEach((prediction, i) =>
        expect(Math.abs(prediction.clickProbability - reference.predictions[i]!.clickProbability)).toBeLessThan(1e-6),
      );
    }
    expect(v1Answers.every((a, r) => a.predictions.every((p, i) => Math.abs(p.clickProbability - v2Answers[r]!.predictions[i]!.clickProbability) > 1e-6))).toBe(
      true,
    );
  });
});
