// A client that has read nothing but the API: it asks the champion what an instance takes, sends the
// example it is given, and is warned about what the model never saw (a category, a time). And a TF
// Serving REST client, unchanged: status, metadata and :predict under the model name adclick.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { InputSignature } from '../core/serving/input-signature';
import type { ApiCall } from './helpers/api';
import { serveTinyChampion, type TinyChampionApi } from './helpers/tiny-champion-api';
import { tinyInstance } from './helpers/tiny-model';

interface Predictions {
  modelVersion: number;
  predictions: { clickProbability: number; warnings?: string[] }[];
}

let api: TinyChampionApi;
let call: ApiCall;
let version: number;

beforeAll(async () => {
  api = await serveTinyChampion();
  ({ call, version } = api);
});
afterAll(async () => api?.stop());

it('describes every input of the champion, and its example instance predicts without a warning', async () => {
  const { status, body } = await call<{ signature: InputSignature }>('GET', '/v1/models/champion');
  expect(status).toBe(200);
  const byName = new Map(body.signature.inputs.map((input) => [input.name, input]));
  expect([...byName.keys()]).not.toContain('clicked');
  expect(byName.get('device')).toMatchObject({
    role: 'categorical',
    type: 'string',
    required: true,
    values: expect.arrayContaining(['mobile', 'desktop', 'tablet']),
  });
  expect(byName.get('user_age')).toMatchObject({ role: 'numeric', type: 'number', required: true });
  expect(byName.get('image_path')).toMatchObject({ role: 'image', required: false });
  expect(body.signature.output).toMatchObject({ name: 'clickProbability', range: [0, 1] });
  for (const input of body.signature.inputs.filter((i) => i.required)) expect(body.signature.example).toHaveProperty(input.name);

  const predicted = await call<Predictions>('POST', '/v1/predict', { instances: [body.signature.example] });
  expect(predicted.status, JSON.stringify(predicted.body)).toBe(200);
  expect(predicted.body.predictions[0]!.clickProbability).toBeGreaterThan(0);
  expect(predicted.body.predictions[0]!.warnings).toBeUndefined();

  const one = await call<{ version: number; signature: InputSignature }>('GET', `/v1/models/${version}`);
  expect(one.status).toBe(200);
  expect(one.body.signature).toEqual(body.signature);
});

it('warns about a category the model never saw and a time far from its training data, and still predicts', async () => {
  const { status, body } = await call<Predictions>('POST', '/v1/predict', {
    instances: [
      tinyInstance({ device: 'toaster' }),
      tinyInstance({ timestamp: '3000-01-01T00:00:00Z' }),
      tinyInstance({ timestamp: '2019-01-01T00:00:00Z' }),
      tinyInstance(),
    ],
  });
  expect(status).toBe(200);
  const [toaster, future, past, plain] = body.predictions;
  expect(toaster!.warnings).toEqual(['device "toaster" was not seen in training; scored as an unknown device']);
  expect(future!.warnings).toEqual(['the time 3000-01-01T00:00:00.000Z is in the future']);
  expect(past!.warnings).toEqual(['the time 2019-01-01T00:00:00.000Z is more than a year before the training data']);
  expect(plain!.warnings).toBeUndefined();
  for (const prediction of body.predictions) expect(prediction.clickProbability).toBeGreaterThan(0);
});

it('answers a TF Serving REST client: version status, signature metadata and :predict in row format', async () => {
  // Exactly what a TF Serving client sends: plain fetch, the documented paths and bodies.
  const tfServing = (path: string, body?: unknown) => call<Record<string, unknown>>(body === undefined ? 'GET' : 'POST', `/v1/models/adclick${path}`, body);

  const status = await tfServing('');
  expect(status.status).toBe(200);
  expect(status.body).toEqual({ model_version_status: [{ version: String(version), state: 'AVAILABLE', status: { error_code: 'OK', error_message: '' } }] });

  const metadata = await tfServing('/metadata');
  expect(metadata.status).toBe(200);
  const signature = (
    metadata.body as { metadata: { signature_def: { signature_def: Record<string, { inputs: Record<string, { dtype: string }>; outputs: object }> } } }
  ).metadata.signature_def.signature_def.serving_default!;
  expect(metadata.body).toMatchObject({ model_spec: { name: 'adclick', version: String(version) } });
  expect(signature.inputs.user_age).toMatchObject({ dtype: 'DT_FLOAT' });
  expect(signature.inputs.device).toMatchObject({ dtype: 'DT_STRING' });
  expect(Object.keys(signature.outputs)).toEqual(['clickProbability']);

  const instances = [tinyInstance(), tinyInstance({ device: 'tablet', user_age: 61 })];
  const predicted = await tfServing(':predict', { signature_name: 'serving_default', instances });
  const ours = await call<Predictions>('POST', '/v1/predict', { instances });
  expect(predicted.status).toBe(200);
  expect(predicted.body).toEqual({ predictions: ours.body.predictions.map((p) => p.clickProbability) });

  const invalid = await tfServing(':predict', { instances: [tinyInstance({ user_age: 'old' })] });
  expect(invalid.status).toBe(400);
  expect(invalid.body.error).toEqual(expect.any(String));
});
