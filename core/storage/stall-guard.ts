// A read from, or a write to, the bucket that waits too long on it fails instead of hanging. When the GCS API
// goes away in the middle of a body, the client library's stream neither ends nor errors (reproduced with
// fake-gcs-server, stopped or SIGKILLed mid-read), and a half-open connection looks the same: no bytes, ever.
import { Readable, type Writable } from 'node:stream';

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

export class StalledWriteError extends Error {
  constructor(what: string, stallMs: number) {
    super(`${what}: the bucket took no bytes and gave no answer for ${stallMs / 1000} s; the connection is taken for dead`);
    this.name = 'StalledWriteError';
  }
}

/**
 * Destroys an upload that waits on the bucket for stallMs: its buffer full and not draining, or its body all
 * given and no answer. A frozen connection leaves the client library waiting for ever (reproduced through a
 * proxy that stops forwarding). A slow writer is not a stall: then the upload has nothing to wait for.
 * Returns the function that stops watching, to call once the upload settled.
 */
export function failUploadOnStall(upload: Writable, settled: () => boolean, options: { stallMs: number; what: string }): () => void {
  let waitingSince: number | undefined;
  const progressed = () => {
    waitingSince = undefined;
  };
  upload.on('drain', progressed);
  const check = setInterval(
    () => {
      const waiting = upload.writableEnded ? !settled() : upload.writableNeedDrain;
      if (!waiting) return progressed();
      waitingSince ??= Date.now();
      if (Date.now() - waitingSince >= options.stallMs) upload.destroy(new StalledWriteError(options.what, options.stallMs));
    },
    Math.max(50, Math.min(1000, options.stallMs / 4)),
  );
  return () => {
    clearInterval(check);
    upload.off('drain', progressed);
  };
}
