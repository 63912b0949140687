// Load for POST /v1/predict: request bodies sent over HTTP by C clients at once, each
// taking the next body when its previous answer arrives. Any answer but 200 stops the run. The clients
// are Node's http.request over a keep-alive Agent: on this 2-core machine the generator shares the cores
// with the API, and it costs less CPU a request than fetch (bench/load-client-cost.ts measures both).
import http from 'node:http';
import type { BenchApi } from './stack';
import type { Instance } from './predict-client';

/** The request bodies, serialised once so every run sends exactly the same bytes. */
export function requestBodies(instances: (request: number, index: number) => Instance, requests: number, perRequest: number): string[] {
  return Array.from({ length: requests }, (_, r) => JSON.stringify({ instances: Array.from({ length: perRequest }, (_, i) => instances(r, i)) }));
}

/** Sends every body and returns the wall time in seconds. */
export async function driveRequests(api: BenchApi, bodies: string[], concurrency: number): Promise<number> {
  const send = sender('http', api, concurrency);
  let next = 0;
  const client = async () => {
    while (next < bodies.length) {
      const { status, text } = await send(bodies[next++]!);
      if (status !== 200) throw new Error(`POST /v1/predict answered ${status}: ${text.slice(0, 300)}`);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, client));
  send.close();
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

/** How a client sends: http.request over keep-alive connections (the bench's generator), or fetch (undici). */
export type LoadClient = 'http' | 'fetch';

/** C clients send bodies (the next one each time) for `seconds`. */
export async function driveFor(
  api: BenchApi,
  body: (request: number) => string,
  concurrency: number,
  seconds: number,
  client: LoadClient = 'http',
): Promise<TimedLoad> {
  const send = sender(client, api, concurrency);
  const latencies: number[] = [];
  let sent = 0;
  const started = performance.now();
  const until = started + seconds * 1000;
  const loop = async () => {
    while (performance.now() < until) {
      const payload = body(sent++);
      const t = performance.now();
      const { status, text } = await send(payload);
      if (status !== 200) throw new Error(`POST /v1/predict answered ${status}: ${text.slice(0, 300)}`);
      latencies.push(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  const elapsed = (performance.now() - started) / 1000;
  send.close();
  return { requests: latencies.length, seconds: elapsed, perSecond: latencies.length / elapsed, ...percentiles(latencies) };
}

export function percentiles(latencies: number[]): { p50: number; p99: number } {
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  return { p50: at(0.5), p99: at(0.99) };
}

type Send = ((body: string) => Promise<{ status: number; text: string }>) & { close(): void };

function sender(client: LoadClient, api: BenchApi, concurrency: number): Send {
  const url = new URL(`${api.url}/v1/predict`);
  if (client === 'fetch') {
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${api.token}` };
    const send = async (body: string) => {
      const response = await fetch(url, { method: 'POST', headers, body });
      return { status: response.status, text: await response.text() };
    };
    return Object.assign(send, { close: () => undefined });
  }
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  return Object.assign((body: string) => post(agent, url, api.token, body), { close: () => agent.destroy() });
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
