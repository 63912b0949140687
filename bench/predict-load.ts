// Load for POST /v1/predict: a fixed list of request bodies, sent over HTTP by C clients at once, each
// taking the next body when its previous answer arrives. Any answer but 200 stops the run.
import type { BenchApi } from './stack';
import type { Instance } from './predict-client';

/** The request bodies, serialised once so every run sends exactly the same bytes. */
export function requestBodies(instances: (request: number, index: number) => Instance, requests: number, perRequest: number): string[] {
  return Array.from({ length: requests }, (_, r) => JSON.stringify({ instances: Array.from({ length: perRequest }, (_, i) => instances(r, i)) }));
}

/** Sends every body and returns the wall time in seconds. */
export async function driveRequests(api: BenchApi, bodies: string[], concurrency: number): Promise<number> {
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${api.token}` };
  let next = 0;
  const client = async () => {
    while (next < bodies.length) {
      const body = bodies[next++]!;
      const response = await fetch(`${api.url}/v1/predict`, { method: 'POST', headers, body });
      const text = await response.text();
      if (response.status !== 200) throw new Error(`POST /v1/predict answered ${response.status}: ${text.slice(0, 300)}`);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, client));
  return (performance.now() - started) / 1000;
}
