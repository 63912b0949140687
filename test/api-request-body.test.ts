// Request bodies as a network delivers them: in several chunks with pauses between, with a declared
// length or chunked transfer encoding, over the limit, or cut off half-way. Sent over a raw socket so the
// test decides where each chunk ends; every answer is the real API's.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveTinyChampion, type TinyChampionApi } from './helpers/tiny-champion-api';
import { tinyInstance } from './helpers/tiny-model';

let api: TinyChampionApi;
beforeAll(async () => {
  api = await serveTinyChampion();
});
afterAll(async () => {
  await api?.stop();
});

interface RawAnswer {
  status: number;
  headers: string;
  body: string;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Writes the head, then each chunk after a pause; resolves with the answer once the server closes or has sent it all. */
async function sendInChunks(head: string, chunks: (string | Buffer)[], pauseMs = 30): Promise<RawAnswer> {
  const { port, hostname } = new URL(api.url);
  const socket = net.connect(Number(port), hostname);
  const received: Buffer[] = [];
  // A write after the server has answered and closed fails; the answer is what counts ('close' follows).
  socket.on('error', () => undefined);
  const answered = new Promise<RawAnswer>((resolve, reject) => {
    socket.on('data', (data: Buffer) => {
      received.push(data);
      const answer = parseAnswer(Buffer.concat(received).toString('utf8'));
      if (answer) resolve(answer);
    });
    socket.on('close', () => {
      const answer = parseAnswer(Buffer.concat(received).toString('utf8'));
      if (answer) resolve(answer);
      else reject(new Error(`the connection closed without a full answer: ${JSON.stringify(Buffer.concat(received).toString('utf8'))}`));
    });
  });
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  socket.write(head);
  for (const chunk of chunks) {
    await pause(pauseMs);
    if (socket.destroyed) break;
    socket.write(chunk);
  }
  try {
    return await answered;
  } finally {
    socket.destroy();
  }
}

/** A complete HTTP/1.1 answer with a Content-Length body, or undefined while more is to come. */
function parseAnswer(text: string): RawAnswer | undefined {
  const end = text.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const headers = text.slice(0, end);
  const length = Number(/^content-length: *(\d+)/im.exec(headers)?.[1] ?? NaN);
  const body = text.slice(end + 4);
  if (!(Buffer.byteLength(body) >= length)) return undefined;
  return { status: Number(headers.slice(9, 12)), headers, body };
}

const headOf = (framing: string) =>
  `POST /v1/predict HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nAuthorization: Bearer ${api.token}\r\n${framing}\r\n`;

/** Cuts text into `parts` pieces of about equal length (byte-wise, so a multi-byte character may be split). */
function cut(text: string, parts: number): Buffer[] {
  const bytes = Buffer.from(text);
  const size = Math.ceil(bytes.length / parts);
  return Array.from({ length: parts }, (_, i) => bytes.subarray(i * size, (i + 1) * size)).filter((part) => part.length > 0);
}

const chunked = (parts: Buffer[]) => [
  ...parts.map((part) => Buffer.concat([Buffer.from(`${part.length.toString(16)}\r\n`), part, Buffer.from('\r\n')])),
  '0\r\n\r\n',
];

describe('a JSON body arriving in pieces', () => {
  // A multi-byte character in the body: cutting by bytes splits it between chunks.
  const body = JSON.stringify({ instances: [tinyInstance({ headline: 'Flüge nach Lissabon – günstig' }), tinyInstance()] });

  it('is read to its end with a declared length: the prediction matches one sent whole', async () => {
    const whole = await api.call<{ predictions: { clickProbability: number }[] }>('POST', '/v1/predict', body);
    expect(whole.status).toBe(200);
    const answer = await sendInChunks(headOf(`Content-Length: ${Buffer.byteLength(body)}\r\n`), cut(body, 7));
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual(whole.body);
  });

  it('is read to its end with chunked transfer encoding', async () => {
    const answer = await sendInChunks(headOf('Transfer-Encoding: chunked\r\n'), chunked(cut(body, 5)));
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body).predictions).toHaveLength(2);
  });

  it('answers 400 for malformed JSON sent in pieces', async () => {
    const broken = body.slice(0, -3);
    const answer = await sendInChunks(headOf(`Content-Length: ${Buffer.byteLength(broken)}\r\n`), cut(broken, 4));
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toEqual({ error: 'Malformed JSON in request body' });
  });

  it('answers 400 naming the problem for a wrongly typed value sent in pieces', async () => {
    const wrong = JSON.stringify({ instances: [{ ...tinyInstance(), device: true }] });
    const answer = await sendInChunks(headOf('Transfer-Encoding: chunked\r\n'), chunked(cut(wrong, 3)));
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body).error).toBe('instances[0].device: must be a string, a number or null');
  });
});

describe('a body over 1 MB', () => {
  const huge = JSON.stringify({ instances: [tinyInstance({ headline: 'x'.repeat(1024 * 1024) })] });

  it('is refused with 413 when chunked (no length declared), and the connection closed', async () => {
    const answer = await sendInChunks(headOf('Transfer-Encoding: chunked\r\n'), chunked(cut(huge, 8)), 5);
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toEqual({ error: 'request body is larger than 1048576 bytes (1 MB)' });
    expect(answer.headers).toMatch(/^connection: close$/im);
  });

  it('is refused with 413 from its declared length, before any of it is sent', async () => {
    const answer = await sendInChunks(headOf(`Content-Length: ${Buffer.byteLength(huge)}\r\n`), []);
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toEqual({ error: 'request body is larger than 1048576 bytes (1 MB)' });
  });

  it('without a token is 401 before any of it is read', async () => {
    const head = `POST /v1/predict HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`;
    const answer = await sendInChunks(head, []);
    expect(answer.status).toBe(401);
  });
});

describe('a client that stops half-way', () => {
  it('leaves the server answering others', async () => {
    const body = JSON.stringify({ instances: [tinyInstance()] });
    const { port, hostname } = new URL(api.url);
    const socket = net.connect(Number(port), hostname);
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write(headOf(`Content-Length: ${Buffer.byteLength(body)}\r\n`) + body.slice(0, 20));
    await pause(50);
    socket.destroy();
    await pause(50);
    const next = await api.call<{ predictions: unknown[] }>('POST', '/v1/predict', body);
    expect(next.status).toBe(200);
    expect(next.body.predictions).toHaveLength(1);
  });
});
