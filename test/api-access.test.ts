// Who may call what, over real HTTP against real Temporal and a real registry: every route × every kind
// of caller, the 401 and 403 answers, the public paths, and the audit history naming the token's principal.
import { createHash, randomInt, randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { createApp } from '../api/app';
import { startServer, type RunningServer } from '../api/lib/serve';
import { loadConfig } from '../core/config';
import { ModelRegistry } from '../core/registry/model-registry';
import type { HistoryEntry } from '../core/registry/types';
import { ChampionPredictor } from '../core/serving/champion-predictor';
import type { LocalStore } from '../core/storage/local-store';
import { batchScoreWorkflowId } from '../core/batch-score/layout';
import { rawPrefix } from '../core/pipeline/layout';
import { pipelineWorkflowId } from '../workflows/ids';
import { apiCaller, newToken, testTokens } from './helpers/api';
import { freshLocalStore } from './helpers/stack';
import { registerTinyModel, tinyInstance } from './helpers/tiny-model';

interface ErrorBody {
  error: string;
  details?: unknown;
}

const tokens = testTokens({ 'shop-frontend': 'predict', ops: 'operator', alice: 'admin' });
const callers = {
  anonymous: undefined,
  'unknown token': newToken(),
  predict: tokens.token['shop-frontend'],
  operator: tokens.token.ops,
  admin: tokens.token.alice,
};
// The Temporal server is shared with other test files: a month in the distant past keeps the workflow id apart.
const month = `${randomInt(1000, 1900)}-${String(randomInt(1, 13)).padStart(2, '0')}`;
const batchScoreId = batchScoreWorkflowId(rawPrefix(month), 1);

let store: LocalStore;
let registry: ModelRegistry;
let predictor: ChampionPredictor;
let temporal: Client;
let server: RunningServer;

beforeAll(async () => {
  store = await freshLocalStore();
  registry = new ModelRegistry(store);
  predictor = new ChampionPredictor({ store, registry, pollSeconds: 0 });
  await predictor.start();
  await registerTinyModel(store, registry, { promote: false });
  // Something for POST /v1/batch-scores to score (with v1; nothing runs it).
  await store.put(`${rawPrefix(month)}a.csv`, 'impression_id,timestamp\n');
  temporal = new Client({ connection: await Connection.connect({ address: inject('temporalAddress') }) });
  // No worker polls this queue: a started run stays RUNNING and does nothing.
  const config = { ...loadConfig(), PIPELINE_TASK_QUEUE: `idle-${randomUUID()}` };
  server = await startServer(createApp({ store, registry, predictor, temporal, config, tokens: tokens.set }), '127.0.0.1', 0);
});

afterAll(async () => {
  await server?.close();
  for (const workflowId of [pipelineWorkflowId(month), batchScoreId])
    await temporal?.workflow
      .getHandle(workflowId)
      .terminate('test finished')
      .catch(() => undefined);
  await temporal?.connection.close();
  await predictor?.close();
});

// Run in this order. An allowed call's status is whatever the route answers then (no champion before
// the promotion row, the second start of a run is 409): the point is it is neither 401 nor 403.
// Statuses in the order of callers: anonymous, unknown token, predict, operator, admin.
const table: [route: string, path: string, body: unknown, expected: number[]][] = [
  ['GET /v1/models', '/v1/models', undefined, [401, 401, 200, 200, 200]],
  ['GET /v1/models/champion', '/v1/models/champion', undefined, [401, 401, 404, 404, 404]],
  ['GET /v1/models/history', '/v1/models/history', undefined, [401, 401, 200, 200, 200]],
  ['GET /v1/models/{version}', '/v1/models/1', undefined, [401, 401, 200, 200, 200]],
  ['POST /v1/predict', '/v1/predict', { instances: [tinyInstance()] }, [401, 401, 503, 503, 503]],
  ['GET /metrics', '/metrics', undefined, [401, 401, 200, 200, 200]],
  ['GET /v1/models/adclick', '/v1/models/adclick', undefined, [401, 401, 404, 404, 404]],
  ['GET /v1/models/adclick/metadata', '/v1/models/adclick/metadata', undefined, [401, 401, 404, 404, 404]],
  ['POST /v1/models/adclick:predict', '/v1/models/adclick:predict', { instances: [tinyInstance()] }, [401, 401, 503, 503, 503]],
  ['GET /v1/runs/{month}', `/v1/runs/${month}`, undefined, [401, 401, 404, 404, 404]],
  ['GET /v1/runs/{month}/report', `/v1/runs/${month}/report`, undefined, [401, 401, 403, 404, 404]],
  ['POST /v1/runs', '/v1/runs', { month }, [401, 401, 403, 202, 409]],
  ['GET /v1/batch-scores/{id}', `/v1/batch-scores/${batchScoreId}`, undefined, [401, 401, 404, 404, 404]],
  ['POST /v1/batch-scores', '/v1/batch-scores', { month, version: 1 }, [401, 401, 403, 202, 409]],
  ['POST /v1/runs/{month}/cancel', `/v1/runs/${month}/cancel`, undefined, [401, 401, 403, 202, 202]],
  ['POST /v1/models/{version}/promote', '/v1/models/1/promote', { reason: 'access table' }, [401, 401, 403, 403, 200]],
];

it.each(table)('%s', async (route, path, body, expected) => {
  const method = route.split(' ')[0]!;
  const got: Record<string, number> = {};
  for (const [caller, token] of Object.entries(callers)) got[caller] = (await apiCaller(server.url, token)(method, path, body)).status;
  expect(got).toEqual(Object.fromEntries(Object.keys(callers).map((caller, i) => [caller, expected[i]])));
});

it('covers every operation the API documents, and documents the bearer scheme on each protected one', async () => {
  type Doc = { paths: Record<string, Record<string, { security?: unknown }>>; components: { securitySchemes: unknown } };
  const doc = await apiCaller(server.url)<Doc>('GET', '/openapi.json');
  expect(doc.status).toBe(200);
  expect(doc.body.components.securitySchemes).toMatchObject({ bearer: { type: 'http', scheme: 'bearer' } });
  const operations = Object.entries(doc.body.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ route: `${method.toUpperCase()} ${path}`, op })),
  );
  expect(operations.map((o) => o.route).sort()).toEqual(['GET /health', ...table.map(([route]) => route)].sort());
  for (const { route, op } of operations) expect(op.security, route).toEqual(route === 'GET /health' ? undefined : [{ bearer: [] }]);
});

it('answers 401 in the error shape with a Bearer challenge: no token, another scheme, or a token it does not accept', async () => {
  const missing = { error: 'this API needs a bearer token: send Authorization: Bearer <token>' };
  for (const authorization of [undefined, `Basic ${Buffer.from('alice:secret').toString('base64')}`, 'Bearer ', `Token ${tokens.token.alice}`]) {
    const response = await fetch(`${server.url}/v1/models`, { headers: authorization === undefined ? {} : { authorization } });
    expect([response.status, await response.json()], authorization).toEqual([401, missing]);
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="adclick"');
  }
  // A near miss, or the token's SHA-256 (what the API keeps), is as unknown as a random token.
  const { alice } = tokens.token;
  for (const token of [newToken(), alice.slice(0, -1), alice.toUpperCase(), createHash('sha256').update(alice).digest('hex')]) {
    const response = await fetch(`${server.url}/v1/models`, { headers: { authorization: `Bearer ${token}` } });
    expect([response.status, await response.json()]).toEqual([401, { error: 'the bearer token is not one this API accepts' }]);
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="adclick", error="invalid_token"');
  }
  // The scheme is case-insensitive (RFC 7235).
  expect((await fetch(`${server.url}/v1/models`, { headers: { authorization: `bearer ${tokens.token.alice}` } })).status).toBe(200);
});

it("answers 403 naming the role the route needs and the token's, before reading the request", async () => {
  const asFrontend = apiCaller(server.url, tokens.token['shop-frontend']);
  const refused = await asFrontend<ErrorBody>('POST', '/v1/runs', { month });
  expect(refused).toEqual({
    status: 403,
    body: { error: 'this needs the operator role; the token of shop-frontend has the predict role', details: { requiredRole: 'operator', role: 'predict' } },
  });
  // Not 400: a caller without the role learns nothing about the route's input.
  expect((await asFrontend('POST', '/v1/runs', '{"month": ')).status).toBe(403);
  expect((await apiCaller(server.url, tokens.token.ops)<ErrorBody>('POST', '/v1/models/1/promote', 'not json')).body.error).toBe(
    'this needs the admin role; the token of ops has the operator role',
  );
});

it('serves /health and /openapi.json to anyone, and nothing else: an unknown path is 401 without a token, 404 with one', async () => {
  const anonymous = apiCaller(server.url);
  expect((await anonymous('GET', '/health')).status).toBe(200);
  expect((await anonymous('GET', '/health/')).status).toBe(200);
  expect((await anonymous('GET', '/openapi.json')).status).toBe(200);
  expect((await anonymous('GET', '/v2/nothing')).status).toBe(401);
  const asFrontend = apiCaller(server.url, tokens.token['shop-frontend']);
  expect(await asFrontend('GET', '/v2/nothing')).toEqual({ status: 404, body: { error: 'no route for GET /v2/nothing' } });
});

it("records the token's principal in the audit history, whatever an X-Actor header says", async () => {
  const second = (await registerTinyModel(store, registry, { promote: false })).version;
  const asAlice = apiCaller(server.url, tokens.token.alice);
  const promoted = await asAlice<{ champion: { version: number; actor: string } }>(
    'POST',
    `/v1/models/${second}/promote`,
    { reason: 'audit check' },
    { 'X-Actor': 'mallory' },
  );
  expect(promoted).toMatchObject({ status: 200, body: { champion: { version: second, actor: 'token:alice' } } });
  const history = await asAlice<{ entries: HistoryEntry[] }>('GET', '/v1/models/history');
  const changes = history.body.entries.filter((entry) => entry.revision !== undefined);
  expect(changes.map((entry) => [entry.version, entry.actor, entry.reason])).toEqual([
    [1, 'token:alice', 'access table'],
    [second, 'token:alice', 'audit check'],
  ]);
  expect(JSON.stringify(history.body)).not.toContain('mallory');
});
