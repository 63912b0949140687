// Prometheus scrapes the API over real HTTP: requests by route pattern and status (refusals included),
// latency histograms, instances by the version that scored them, the champion, swaps, image-cache hits.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { apiCaller, type ApiCall } from './helpers/api';
import { serveTinyChampion, type TinyChampionApi } from './helpers/tiny-champion-api';
import { registerTinyModel, tinyInstance } from './helpers/tiny-model';

let api: TinyChampionApi;
let call: ApiCall;
let version: number;

beforeAll(async () => {
  api = await serveTinyChampion();
  ({ call, version } = api);
});
afterAll(async () => api?.stop());

/** Prometheus text format → `name{labels}` → value (the labels as the exposition writes them, in order). */
function parseExposition(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*)(\{.*\})? (\S+)$/.exec(line);
    if (!match) throw new Error(`not a Prometheus sample line: ${line}`);
    samples.set(`${match[1]}${match[2] ?? ''}`, Number(match[3]));
  }
  return samples;
}

async function scrape(): Promise<Map<string, number>> {
  const response = await fetch(`${api.url}/metrics`, { headers: { authorization: `Bearer ${api.token}` } });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parseExposition(await response.text());
}

it('counts requests by route pattern and status, times them, and counts instances by model version', async () => {
  for (let i = 0; i < 2; i++) expect((await call('POST', '/v1/predict', { instances: [tinyInstance(), tinyInstance(), tinyInstance()] })).status).toBe(200);
  expect((await call('POST', '/v1/models/adclick:predict', { instances: [tinyInstance()] })).status).toBe(200);
  expect((await call('POST', '/v1/predict', { instances: [] })).status).toBe(400);
  expect((await call(`GET`, `/v1/models/${version}`)).status).toBe(200);
  expect((await apiCaller(api.url)('GET', '/v1/models')).status).toBe(401);
  for (const path of ['/wp-admin', '/v1/nope/123']) expect((await call('GET', path)).status).toBe(404);

  const samples = await scrape();
  expect(samples.get('adclick_http_requests_total{method="POST",route="/v1/predict",status="200"}')).toBe(2);
  expect(samples.get('adclick_http_requests_total{method="POST",route="/v1/predict",status="400"}')).toBe(1);
  expect(samples.get('adclick_http_requests_total{method="GET",route="/v1/models/:version",status="200"}')).toBe(1);
  expect(samples.get('adclick_http_requests_total{method="GET",route="/v1/models",status="401"}')).toBe(1);
  // Unknown paths share one label, so scanners cannot blow up the series count.
  expect(samples.get('adclick_http_requests_total{method="GET",route="unmatched",status="404"}')).toBe(2);
  expect(samples.get('adclick_http_request_duration_seconds_count{method="POST",route="/v1/predict",status="200"}')).toBe(2);
  expect(samples.get('adclick_http_request_duration_seconds_bucket{le="+Inf",method="POST",route="/v1/predict",status="200"}')).toBe(2);
  expect(samples.get(`adclick_predictions_total{model_version="${version}"}`)).toBe(7);
  expect(samples.get('adclick_champion_version')).toBe(version);
  expect(samples.get('adclick_champion_swaps_total')).toBe(0);
  // Three requests name one image: fetched and decoded once, then served from the cache.
  expect(samples.get('adclick_image_cache_lookups_total{result="miss"}')).toBe(1);
  expect(samples.get('adclick_image_cache_lookups_total{result="hit"}')).toBe(2);
  expect(samples.get('adclick_api_process_resident_memory_bytes')).toBeGreaterThan(0);
});

it('counts a swap to a newly promoted champion and reports the version it now serves', async () => {
  const next = await registerTinyModel(api.store, api.registry, { promote: true });
  await api.predictor.refresh();
  const samples = await scrape();
  expect(samples.get('adclick_champion_swaps_total')).toBe(1);
  expect(samples.get('adclick_champion_version')).toBe(next.version);
});
