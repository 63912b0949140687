// The model registry over real HTTP: listing, the champion, the audit history (naming the token's
// principal), and manual promotion and rollback with their 404 / 409 / 422 refusals, against a real GCS
// bucket and real model files.
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { createApp } from '../api/app';
import { startServer, type RunningServer } from '../api/lib/serve';
import { loadConfig } from '../core/config';
import { ModelRegistry } from '../core/registry/model-registry';
import type { HistoryEntry, ModelVersion } from '../core/registry/types';
import { ChampionPredictor } from '../core/serving/champion-predictor';
import { apiCaller, testTokens, type ApiCall } from './helpers/api';
import { freshGcsStore } from './helpers/stack';
import { registerTinyModel } from './helpers/tiny-model';

interface ErrorBody {
  error: string;
  details?: unknown;
}
interface ChampionBody {
  champion: { version: number; actor: string; reason: string; previous: number | null; revision: number };
  model: ModelVersion | null;
}

let registry: ModelRegistry;
let predictor: ChampionPredictor;
let temporal: Client;
let server: RunningServer;
const versions: number[] = [];
const tokens = testTokens({ admin: 'admin', alice: 'admin', bob: 'admin' });
let call: ApiCall;
let asAlice: ApiCall;
let asBob: ApiCall;

beforeAll(async () => {
  const store = await freshGcsStore();
  registry = new ModelRegistry(store);
  predictor = new ChampionPredictor({ store, registry, pollSeconds: 0 });
  await predictor.start();
  temporal = new Client({ connection: await Connection.connect({ address: inject('temporalAddress') }) });
  server = await startServer(createApp({ store, registry, predictor, temporal, config: loadConfig(), tokens: tokens.set }), '127.0.0.1', 0);
  call = apiCaller(server.url, tokens.token.admin);
  asAlice = apiCaller(server.url, tokens.token.alice);
  asBob = apiCaller(server.url, tokens.token.bob);
  for (let i = 0; i < 3; i++) versions.push((await registerTinyModel(store, registry, { promote: false })).version);
  await registry.reject(versions[2]!, ['auc 0.51 below 0.6'], { actor: 'pipeline' });
});

afterAll(async () => {
  await server?.close();
  await predictor?.close();
  await temporal?.connection.close();
});

it('lists versions newest first, and has no champion before the first promotion', async () => {
  const listed = await call<{ versions: ModelVersion[] }>('GET', '/v1/models');
  expect(listed.status).toBe(200);
  expect(listed.body.versions.map((v) => [v.version, v.status])).toEqual([
    [3, 'rejected'],
    [2, 'candidate'],
    [1, 'candidate'],
  ]);
  expect(await call('GET', '/v1/models/champion')).toEqual({ status: 404, body: { error: 'no champion model has been promoted yet' } });
});

it('gets one version by number, 404 for an unknown one and 400 for a non-number', async () => {
  const one = await call<ModelVersion>('GET', '/v1/models/2');
  expect(one.status).toBe(200);
  expect(one.body).toMatchObject({ version: 2, status: 'candidate', metadata: { dataMonth: '2026-10', specName: 'adclick-default' } });
  expect((await call<ModelVersion>('GET', '/v1/models/v2')).body.version).toBe(2);
  expect(await call('GET', '/v1/models/99')).toEqual({ status: 404, body: { error: 'no registered model version v99' } });
  const bad = await call<ErrorBody>('GET', '/v1/models/latest');
  expect(bad.status).toBe(400);
  expect(bad.body.error).toBe('version: must be a version number such as 3 or v3');
});

it("promotes by hand, records why and the token's principal (an X-Actor header changes nothing), and the serving process follows", async () => {
  const promoted = await asAlice<ChampionBody>('POST', '/v1/models/1/promote', { reason: 'first model, checked by hand' }, { 'X-Actor': 'mallory' });
  expect(promoted.status).toBe(200);
  expect(promoted.body.champion).toMatchObject({ version: 1, actor: 'token:alice', reason: 'first model, checked by hand', previous: null, revision: 1 });
  const second = await call<ChampionBody>('POST', '/v1/models/2/promote', { reason: 'newer month' });
  expect(second.body.champion).toMatchObject({ version: 2, actor: 'token:admin', previous: 1 });

  const champion = await call<ChampionBody>('GET', '/v1/models/champion');
  expect(champion.status).toBe(200);
  expect(champion.body.champion.version).toBe(2);
  expect(champion.body.model).toMatchObject({ version: 2, status: 'champion' });
  await predictor.refresh();
  expect(predictor.status().champion).toBe(2);
});

it('refuses a rejected version with 422 unless forced, an unknown one with 404, a stale expectation with 409', async () => {
  const refused = await call<ErrorBody>('POST', '/v1/models/3/promote', { reason: 'try it' });
  expect(refused.status).toBe(422);
  expect(refused.body.error).toBe('v3 was rejected (auc 0.51 below 0.6); promote it with force to roll back to it deliberately');

  expect(await call('POST', '/v1/models/42/promote', { reason: 'nope' })).toEqual({ status: 404, body: { error: 'No registered model version v42' } });

  const stale = await call<ErrorBody>('POST', '/v1/models/1/promote', { reason: 'roll back', expectedCurrent: 1 });
  expect(stale.status).toBe(409);
  expect(stale.body).toEqual({ error: 'Cannot promote v1: the champion is v2, not v1 as expected', details: { expectedCurrent: 1, actualCurrent: 2 } });

  const rollback = await asBob<ChampionBody>('POST', '/v1/models/1/promote', { reason: 'v2 misbehaves', expectedCurrent: 2 });
  expect(rollback.status).toBe(200);
  const forced = await asBob<ChampionBody>('POST', '/v1/models/3/promote', { reason: 'deliberate', force: true });
  expect(forced.body.champion).toMatchObject({ version: 3, previous: 1, actor: 'token:bob' });
  expect(forced.body).toMatchObject({ changed: true });
  const again = await call<ChampionBody & { changed: boolean }>('POST', '/v1/models/3/promote', { reason: 'once more', force: true });
  expect(again).toMatchObject({ status: 200, body: { changed: false, champion: { version: 3, revision: forced.body.champion.revision } } });
});

it('tells racing promotions of the same version which one won: one 200, the others 409 naming the champion', async () => {
  const current = (await call<ChampionBody>('GET', '/v1/models/champion')).body.champion.version;
  const racing = await Promise.all(
    Array.from({ length: 5 }, (_, i) =>
      call<ChampionBody & ErrorBody>('POST', '/v1/models/2/promote', { reason: `racer ${i}`, expectedCurrent: current, force: true }),
    ),
  );
  expect(racing.filter((r) => r.status === 200)).toHaveLength(1);
  const losers = racing.filter((r) => r.status === 409);
  expect(losers).toHaveLength(4);
  for (const loser of losers) expect(loser.body.error).toBe(`Cannot promote v2: the champion is v2, not v${current} as expected`);
  // Put back what the next test expects.
  await call('POST', `/v1/models/${current}/promote`, { reason: 'restore', expectedCurrent: 2, force: true });
});

it('names what is wrong with a promotion request', async () => {
  const noReason = await call<ErrorBody>('POST', '/v1/models/1/promote', {});
  expect(noReason).toMatchObject({ status: 400, body: { error: 'reason: required: why this version should serve' } });
  const blank = await call<ErrorBody>('POST', '/v1/models/1/promote', { reason: '  ' });
  expect(blank.body.error).toBe('reason: must not be empty');
  const notJson = await call<ErrorBody>('POST', '/v1/models/1/promote', 'reason=because');
  expect(notJson).toEqual({ status: 400, body: { error: 'Malformed JSON in request body' } });
});

it('answers who was champion when, from the audit history', async () => {
  const history = await call<{ entries: HistoryEntry[] }>('GET', '/v1/models/history');
  expect(history.status).toBe(200);
  const changes = history.body.entries.filter((e) => e.revision !== undefined);
  expect(changes.slice(0, 4).map((e) => [e.event, e.version, e.actor])).toEqual([
    ['promoted', 1, 'token:alice'],
    ['promoted', 2, 'token:admin'],
    ['rolled-back', 1, 'token:bob'],
    ['promoted', 3, 'token:bob'],
  ]);
  // Then one racer's v2, and v3 restored.
  expect(changes.slice(4).map((e) => e.version)).toEqual([2, 3]);
  expect(history.body.entries.filter((e) => e.event === 'rejected').map((e) => e.version)).toEqual([3]);

  const before = await call('GET', `/v1/models/history?at=${encodeURIComponent('2000-01-01T00:00:00Z')}`);
  expect(before).toEqual({ status: 200, body: { at: '2000-01-01T00:00:00.000Z', champion: null } });
  const second = changes[1]!.at;
  expect((await call<{ champion: number }>('GET', `/v1/models/history?at=${encodeURIComponent(second)}`)).body.champion).toBe(2);
  const bad = await call<ErrorBody>('GET', '/v1/models/history?at=yesterday');
  expect(bad).toMatchObject({ status: 400, body: { error: 'at: must be an ISO 8601 time such as 2026-10-14T09:30:00Z' } });
});
