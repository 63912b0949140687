// Request bodies: at most 1 MB (413), and JSON bodies read straight from Node's IncomingMessage rather
// than through a web Request and its stream, which cost predict requests a tenth of their time. The body
// is read after the route's role check (or by the predict fast path, which may hand the request on) and
// handed to Hono's own body cache, so c.req.json() and the validators parse it as before (malformed JSON: 400).
import type { IncomingMessage } from 'node:http';
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { AppBindings } from './types';

export const MAX_BODY_BYTES = 1024 * 1024;

// The rest of the body is never read, so the connection cannot carry another request.
const tooLarge = (c: Context) => c.json({ error: `request body is larger than ${MAX_BODY_BYTES} bytes (1 MB)` }, 413, { Connection: 'close' });

const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json\s*(;|$)/i;

/** The Node request whose JSON body this middleware reads itself; undefined: Hono reads it (another runtime, no body, not JSON). */
function nodeJsonBody(c: Context<AppBindings>): IncomingMessage | undefined {
  const incoming = c.env?.incoming;
  if (!incoming || c.req.method === 'GET' || c.req.method === 'HEAD') return undefined;
  if (bodiesRead.has(incoming)) return incoming;
  // Already consumed (or gone): waiting for its 'end' would wait forever.
  if (incoming.readableEnded || incoming.destroyed) return undefined;
  // Node's own header object: asking Hono would build a web Headers for it.
  return JSON_MEDIA_TYPE.test(incoming.headers['content-type'] ?? '') ? incoming : undefined;
}

const honoLimit = bodyLimit({ maxSize: MAX_BODY_BYTES, onError: tooLarge });

/** Before authentication: a declared length over the limit is refused without reading a byte. */
export const limitBodySize: MiddlewareHandler<AppBindings> = async (c, next) => {
  const incoming = nodeJsonBody(c);
  if (!incoming) return honoLimit(c, next);
  // readJsonBody counts what actually arrives, so a chunked body is held to the limit too.
  if (Number(incoming.headers['content-length'] ?? 0) > MAX_BODY_BYTES) return tooLarge(c);
  await next();
};

/** After the role check: the whole JSON body into Hono's body cache (413 past the limit, 400 if the client breaks off). */
export const readJsonBody: MiddlewareHandler<AppBindings> = async (c, next) => {
  const incoming = nodeJsonBody(c);
  if (!incoming) return next();
  const body = await readBodyOnce(incoming);
  if (body === 'too large') return tooLarge(c);
  if (body instanceof Error) return c.json({ error: `the request body could not be read: ${body.message}` }, 400, { Connection: 'close' });
  // Hono caches each body read as a promise under the reader's name (its type says the reader itself).
  Object.assign(c.req.bodyCache, { text: Promise.resolve(body) });
  await next();
};

type BodyRead = string | 'too large' | Error;

const bodiesRead = new WeakMap<IncomingMessage, Promise<BodyRead>>();

/** The whole body (at most MAX_BODY_BYTES), read once however many ask: the fast path and then the app. */
export function readBodyOnce(incoming: IncomingMessage): Promise<BodyRead> {
  let read = bodiesRead.get(incoming);
  if (!read) bodiesRead.set(incoming, (read = readAll(incoming, MAX_BODY_BYTES)));
  return read;
}

/** Every chunk until 'end', however many there are and however far apart; stops at maxBytes. */
function readAll(incoming: IncomingMessage, maxBytes: number): Promise<BodyRead> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    const finish = (result: BodyRead) => {
      incoming.off('data', onData);
      incoming.off('end', onEnd);
      incoming.off('error', onError);
      incoming.off('close', onClose);
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > maxBytes) return finish('too large');
      chunks.push(chunk);
    };
    const onEnd = () => finish(Buffer.concat(chunks, bytes).toString('utf8'));
    const onError = (error: Error) => finish(error);
    // 'close' before 'end': the client went away mid-body.
    const onClose = () => finish(new Error('the client closed the connection before the body ended'));
    incoming.on('data', onData);
    incoming.on('end', onEnd);
    incoming.on('error', onError);
    incoming.on('close', onClose);
  });
}
