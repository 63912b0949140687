// A read from the bucket that waits too long for its next bytes fails instead of hanging. When the GCS API
// goes away in the middle of a body, the client library's stream neither ends nor errors (reproduced with
// fake-gcs-server, stopped or SIGKILLed mid-read), and a half-open connection looks the same: no bytes, ever.
import { Readable } from 'node:stream';

export class StalledReadError extends Error {
  constructor(what: string, stallMs: number) {
    super(`${what}: no bytes for ${stallMs / 1000} s while waiting for them; the connection is taken for dead`);
    this.name = 'StalledReadError';
  }
}

export interface StallGuardOptions {
  stallMs: number;
  /** Names the read in the error, e.g. "reading gs://bucket/key". */
  what: string;
  /** Turns a source error into the store's own (e.g. not found); undefined keeps it. */
  relabel?: (error: unknown) => Error | undefined;
}

/** source's bytes. The clock runs only while the reader waits for bytes: a slow reader pauses the source, which
 *  is not a stall. Destroying the result (a reader that stops early) destroys the source and its request. */
export function failOnStall(source: Readable, options: StallGuardOptions): Readable {
  let timer: NodeJS.Timeout | undefined;
  const stopClock = () => {
    clearTimeout(timer);
    timer = undefined;
  };
  const out = new Readable({
    read() {
      timer ??= setTimeout(() => out.destroy(new StalledReadError(options.what, options.stallMs)), options.stallMs);
      source.resume();
    },
    destroy(error, callback) {
      stopClock();
      source.destroy();
      callback(error);
    },
  });
  source.on('data', (chunk: Buffer) => {
    stopClock();
    if (!out.push(chunk)) source.pause();
  });
  source.once('end', () => {
    stopClock();
    out.push(null);
  });
  source.once('error', (error) => out.destroy(options.relabel?.(error) ?? error));
  // Bytes flow only when the reader asks for them.
  source.pause();
  return out;
}
