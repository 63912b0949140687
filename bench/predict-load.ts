// Load for POST /v1/predict: request bodies sent over HTTP by C clients at once, each
// taking the next body when its previous answer arrives. Any answer but 200 stops the run.
import http from 'node:http';
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

export interface TimedLoad {
  requests: number;
  seconds: number;
  perSecond: number;
  /** Milliseconds, from the sorted latencies of every request. */
  p50: number;
  p99: number;
}

/** C clients send bodies (the next one each time) for `seconds`, over keep-alive node:http connections
 *  (lighter than fetch, so the load generator takes less of the cores it shares with the API). */
export async function driveFor(api: BenchApi, body: (request: number) => string, concurrency: number, seconds: number): Promise<TimedLoad> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const url = new URL(`${api.url}/v1/predict`);
  const latencies: number[] = [];
  let sent = 0;
  const started = performance.now();
  const until = started + seconds * 1000;
  const client = async () => {
    while (performance.now() < until) {
      const payload = body(sent++);
      const t = performance.now();
      const { status, text } = await post(agent, url, api.token, payload);
      if (status !== 200) throw new Error(`POST /v1/predict answered ${status}: ${text.slice(0, 300)}`);
      latencies.push(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, client));
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  return { requests: latencies.length, seconds: elapsed, perSecond: latencies.length / elapsed, ...percentiles(latencies) };
}

export function percentiles(latencies: number[]): { p50: number; p99: number } {
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  return { p50: at(0.5), p99: at(0.99) };
}

function post(agent: http.Agent, url: URL, token: string, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization: `Bearer ${token}` },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}
