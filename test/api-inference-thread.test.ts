// Forward passes run in the served model's own thread. An error there (here a real TensorFlow one: a model
// whose transform knows a headline word its head has no embedding row for) fails only the request that
// causes it, with a 500, while the requests batched beside it are answered and the API goes on serving.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { FittedTransform } from '../core/features/transform';
import { ModelRegistry } from '../core/registry/model-registry';
import { getJson, putJson } from '../core/storage/blob-store';
import { freshGcsStore } from './helpers/stack';
import { serveChampion, type TinyChampionApi } from './helpers/tiny-champion-api';
import { putTestImage, registerTinyModel, tinyInstance } from './helpers/tiny-model';

interface Answer {
  modelVersion?: number;
  predictions?: { clickProbability: number }[];
  error?: string;
}

const UNEMBEDDED_WORD = 'zeppelin';
let api: Omit<TinyChampionApi, 'version'>;

beforeAll(async () => {
  const store = await freshGcsStore();
  await putTestImage(store);
  const registry = new ModelRegistry(store);
  const { version } = await registerTinyModel(store, registry);
  // One word more in the headline vocabulary than the head's embedding has rows: encoding accepts it, the pass cannot.
  const key = registry.fileKey(version, 'transform.json');
  const transform = await getJson<FittedTransform>(store, key);
  transform.text[0]!.vocabulary.push(UNEMBEDDED_WORD);
  await putJson(store, key, transform);
  // A long window: the burst below shares one pass even on a busy machine.
  api = await serveChampion(store, { batching: { windowMs: 50, maxRows: 64 } });
});
afterAll(async () => {
  await api?.stop();
});

const predict = (headline: string) => api.call<Answer>('POST', '/v1/predict', { instances: [tinyInstance({ headline })] });

it('answers 500 for the request whose forward pass fails in the thread, and the requests batched with it 200', async () => {
  const headlines = ['cheap travel deals', 'new games today', `a ${UNEMBEDDED_WORD} to Lisbon`, 'best retail deals', 'new travel deals'];
  const answers = await Promise.all(headlines.map(predict));
  expect(answers.map((answer) => answer.status)).toEqual([200, 200, 500, 200, 200]);
  expect(answers[2]!.body.error).toBe('internal error; the API log has the details');
  for (const answer of answers.filter((a) => a.status === 200)) expect(answer.body.predictions![0]!.clickProbability).toBeGreaterThan(0);
  // Alone the same request fails again; the thread goes on serving the others.
  expect((await predict(`${UNEMBEDDED_WORD} flights`)).status).toBe(500);
  const after = await predict('cheap travel deals');
  expect(after.status).toBe(200);
  expect(after.body.predictions![0]!.clickProbability).toBe(answers[0]!.body.predictions![0]!.clickProbability);
});
