// POST /v1/predict as nearly every request comes — one bearer token of the predict role or higher, a JSON
// body of valid instances, a champion that scores them — answered from Node's request without Hono's
// routing, web Request and Headers, and zod, for 30–45 % less event-loop CPU a request. Anything else
// (a refusal, an invalid instance, no champion, a failed pass) is handed to the app with its body already
// read, and the app answers it as it answers every request, so each 4xx and its message come from one place.
import type { IncomingMessage } from 'node:http';
import { log } from '../../../core/log';
import { bearerToken } from '../../auth/authenticate';
import { roleAllows } from '../../auth/roles';
import type { ApiMetrics } from '../../lib/api-metrics';
import type { NodeFastPath } from '../../lib/node-fast-path';
import { MAX_BODY_BYTES, readBodyOnce } from '../../lib/request-body';
import type { AppDeps } from '../../lib/types';
import type { Instance } from '../../../core/serving/serving-model';
import { MAX_INSTANCES } from './predict.routes';

const PATH = '/v1/predict';
// Plain JSON, which every check on the general path (body reader, media-type gate, validator) accepts.
const JSON_CONTENT_TYPE = /^application\/json(; *charset=utf-8)?$/i;

export function predictFastPath(deps: AppDeps, metrics: ApiMetrics): NodeFastPath {
  return (incoming, outgoing, handOver) => {
    if (incoming.method !== 'POST' || incoming.url !== PATH) return false;
    const length = Number(incoming.headers['content-length']);
    if (!(length <= MAX_BODY_BYTES) || !headersSentOnce(incoming)) return false;
    if (!JSON_CONTENT_TYPE.test(incoming.headers['content-type']!)) return false;
    const token = bearerToken(incoming.headers.authorization);
    const principal = token === undefined ? undefined : deps.tokens.find(token);
    if (!principal || !roleAllows(principal.role, 'predict')) return false;
    const started = performance.now();
    void (async () => {
      const body = await readBodyOnce(incoming);
      const instances = typeof body === 'string' ? validInstances(body) : undefined;
      if (!instances) return handOver();
      let result;
      try {
        result = await deps.predictor.predict(instances);
      } catch {
        return handOver();
      }
      metrics.predicted(result.modelVersion, result.predictions.length);
      const text = JSON.stringify(result);
      // The header names and order the general path writes (as @hono/node-server writes a Hono JSON response).
      outgoing.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
      outgoing.end(text);
      metrics.answered('POST', PATH, 200, started);
    })().catch((error: Error) => {
      // Nothing above should throw; if it does, one connection ends rather than the process (an unhandled rejection).
      log.error('api request failed', { method: 'POST', path: PATH, error: error.message, stack: error.stack });
      outgoing.destroy(error);
    });
    return true;
  };
}

// Node keeps the first of a repeated Authorization or Content-Type; a web Headers joins them, which the general path refuses.
function headersSentOnce(incoming: IncomingMessage): boolean {
  let authorization = 0;
  let contentType = 0;
  const raw = incoming.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length === 13 && name.toLowerCase() === 'authorization') authorization += 1;
    else if (name.length === 12 && name.toLowerCase() === 'content-type') contentType += 1;
  }
  return authorization === 1 && contentType === 1;
}

/** The instances when the body is what the route's schema accepts; undefined for the app to say what is wrong. */
function validInstances(body: string): Instance[] | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (!isPlainObject(parsed)) return undefined;
  const { instances } = parsed;
  if (!Array.isArray(instances) || instances.length < 1 || instances.length > MAX_INSTANCES) return undefined;
  for (const instance of instances as unknown[]) {
    // zod copies an instance key by key, where "__proto__" would set the copy's prototype instead.
    if (!isPlainObject(instance) || Object.hasOwn(instance, '__proto__')) return undefined;
    for (const name in instance) {
      const value = instance[name];
      if (value !== null && typeof value !== 'string' && !(typeof value === 'number' && Number.isFinite(value))) return undefined;
    }
  }
  return instances as Instance[];
}

const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
