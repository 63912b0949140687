// POST /v1/predict's fast path (api/routes/predict/predict.fast-path.ts) against the general path, over
// real HTTP on one server: /v1/predict goes to the fast path, /v1/predict?general (which the fast path
// never takes) through Hono. Every answer must be the same bytes, header for header; and the fast path
// must really answer the valid requests itself and hand every other one to the app.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createApp } from '../api/app';
import { nodeFastPathOf } from '../api/lib/node-fast-path';
import { startServer, type RunningServer } from '../api/lib/serve';
import { loadConfig } from '../core/config';
import { ModelRegistry } from '../core/registry/model-registry';
import { ChampionPredictor } from '../core/serving/champion-predictor';
import { testTokens } from './helpers/api';
import { freshGcsStore } from './helpers/stack';
import { putTestImage, registerTinyModel, tinyInstance } from './helpers/tiny-model';

interface RawAnswer {
  status: number;
  /** Name and value pairs as sent, without Date. */
  headers: string[];
  body: string;
}

let server: RunningServer;
let probe: http.Server;
let probeUrl: string;
let predictor: ChampionPredictor;
let temporal: Client;
const tokens = testTokens({ client: 'predict', ops: 'operator' });
/** What the fast path did with each request the probe server was sent. */
const outcomes: string[] = [];

beforeAll(async () => {
  const store = await freshGcsStore();
  await putTestImage(store);
  const registry = new ModelRegistry(store);
  await registerTinyModel(store, registry, { promote: true });
  predictor = new ChampionPredictor({ store, registry, pollSeconds: 0 });
  await predictor.start();
  temporal = new Client({ connection: await Connection.connect({ address: inject('temporalAddress') }) });
  const app = createApp({ store, registry, predictor, temporal, config: loadConfig(), tokens: tokens.set });
  server = await startServer(app, '127.0.0.1', 0);
  // The same fast path on a bare server: a request it does not answer itself is answered 599 or 598 here.
  const fastPath = nodeFastPathOf(app)!;
  probe = http.createServer((incoming, outgoing) => {
    const taken = fastPath(incoming, outgoing, () => {
      outcomes.push('handed over');
      outgoing.writeHead(599).end();
    });
    if (!taken) {
      outcomes.push('not taken');
      outgoing.writeHead(598).end();
    } else outgoing.once('finish', () => outgoing.statusCode === 200 && outcomes.push('answered'));
  });
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  probeUrl = `http://127.0.0.1:${(probe.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await server?.close();
  probe?.close();
  await predictor?.close();
  await temporal?.connection.close();
});

/** headers: name, value, name, value… (a name may repeat). */
function send(base: string, path: string, headers: string[], body: string): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    // A name given twice is sent on two lines.
    const grouped: Record<string, string[]> = { 'content-length': [String(Buffer.byteLength(body))] };
    for (let i = 0; i < headers.length; i += 2) (grouped[headers[i]!] ??= []).push(headers[i + 1]!);
    const request = http.request(`${base}${path}`, { method: 'POST', headers: grouped }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const pairs = response.rawHeaders.flatMap((value, i, all) => (i % 2 === 0 && value.toLowerCase() !== 'date' ? [value, all[i + 1]!] : []));
        resolve({ status: response.statusCode!, headers: pairs, body: Buffer.concat(chunks).toString('utf8') });
      });
    });
    request.on('error', reject);
    request.end(body);
  });
}

const asClient = (token = tokens.token.client) => ['content-type', 'application/json', 'authorization', `Bearer ${token}`];
const body = (instances: unknown) => JSON.stringify({ instances });

/** The fast path's answer and the general path's, and what the fast path did with the request on its own. */
async function bothPaths(headers: string[], payload: string): Promise<{ fast: RawAnswer; general: RawAnswer; outcome: string }> {
  const fast = await send(server.url, '/v1/predict', headers, payload);
  const general = await send(server.url, '/v1/predict?general', headers, payload);
  const before = outcomes.length;
  await send(probeUrl, '/v1/predict', headers, payload);
  return { fast, general, outcome: outcomes.slice(before).join(', ') };
}

describe('POST /v1/predict, fast path and general path', () => {
  it('answers valid requests itself, with the same bytes and headers as the general path', async () => {
    const cases = [
      body([tinyInstance()]),
      // Warnings: an unknown field, a category never seen in training, and a second instance.
      body([tinyInstance({ surprise: 1, device: 'smart-fridge' }), tinyInstance({ user_past_clicks_30d: null, hour_of_day: 23 })]),
      body(Array.from({ length: 40 }, (_, i) => tinyInstance({ hour_of_day: i % 24 }))),
    ];
    for (const payload of cases) {
      const { fast, general, outcome } = await bothPaths(asClient(), payload);
      expect(fast.status).toBe(200);
      expect(fast).toEqual(general);
      expect(outcome).toBe('answered');
    }
    const { fast } = await bothPaths(asClient(), cases[1]!);
    expect(JSON.parse(fast.body).predictions[0].warnings.join(' ')).toMatch(/surprise.*smart-fridge/);
    // An operator token may predict too.
    const operator = await bothPaths(asClient(tokens.token.ops), cases[0]!);
    expect(operator.fast).toEqual(operator.general);
    expect(operator.outcome).toBe('answered');
  });

  it('hands every other body to the app, which refuses it as the general path does', async () => {
    const cases: [string, number][] = [
      ['{"instances": [', 400],
      ['[]', 400],
      ['{}', 400],
      [body([]), 400],
      [body('all of them'), 400],
      [body([[1, 2]]), 400],
      [body([null]), 400],
      [body([tinyInstance({ user_age: { years: 34 } as never })]), 400],
      [body([tinyInstance({ user_age: true as never })]), 400],
      [body(Array.from({ length: 1001 }, () => tinyInstance())), 400],
      // Valid JSON, valid shape, but the predictor refuses the instance.
      [body([tinyInstance({ user_age: 'thirty-four' })]), 400],
      [body([tinyInstance({ image_path: 'elsewhere/ad.png' })]), 400],
      ['{"instances": [{"__proto__": {"user_age": 5}, "ad_id": "ad-00001"}]}', 400],
      ['{"instances": [{"user_age": 1e400}]}', 400],
    ];
    for (const [payload, status] of cases) {
      const { fast, general, outcome } = await bothPaths(asClient(), payload);
      expect({ payload, status: fast.status }).toEqual({ payload, status });
      expect(fast).toEqual(general);
      expect({ payload, outcome }).toEqual({ payload, outcome: 'handed over' });
    }
  });

  it('leaves refused headers to the app: no token, an unknown one, two of them, a body that is not JSON', async () => {
    const instance = body([tinyInstance()]);
    const cases: [string[], number][] = [
      [['content-type', 'application/json'], 401],
      [asClient('not-a-token-this-api-knows'), 401],
      [[...asClient(), 'authorization', `Bearer ${tokens.token.ops}`], 401],
      [['content-type', 'text/plain', 'authorization', `Bearer ${tokens.token.client}`], 415],
      [[...asClient(), 'content-type', 'application/json'], 415],
    ];
    for (const [headers, status] of cases) {
      const { fast, general, outcome } = await bothPaths(headers, instance);
      expect({ headers, status: fast.status }).toEqual({ headers, status });
      expect(fast).toEqual(general);
      expect({ headers, outcome }).toEqual({ headers, outcome: 'not taken' });
    }
  });

  it('counts its answers in /metrics as the general path does', async () => {
    const metrics = async () => {
      const response = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${tokens.token.client}` } });
      const text = await response.text();
      const sample = (pattern: string) => Number(new RegExp(`^${pattern} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
      return {
        answered: sample('adclick_http_requests_total\\{method="POST",route="/v1/predict",status="200"\\}'),
        timed: sample('adclick_http_request_duration_seconds_count\\{method="POST",route="/v1/predict",status="200"\\}'),
        predicted: sample('adclick_predictions_total\\{model_version="\\d+"\\}'),
      };
    };
    const before = await metrics();
    await send(server.url, '/v1/predict', asClient(), body([tinyInstance(), tinyInstance()]));
    await send(server.url, '/v1/predict?general', asClient(), body([tinyInstance()]));
    const after = await metrics();
    expect(after).toEqual({ answered: before.answered + 2, timed: before.timed + 2, predicted: before.predicted + 3 });
  });
});
