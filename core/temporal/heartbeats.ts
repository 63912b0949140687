// Long reads heartbeat by time as bytes arrive, not every N rows: one 10 MB line holds no rows at all,
// and a scan that stays silent past the heartbeat timeout is killed and retried for nothing.
import { heartbeat } from '@temporalio/activity';

const EVERY_MS = 1000;

/** A heartbeat that sends at most once a second, however often it is called. */
export function throttledHeartbeat(): (details: unknown) => void {
  let last = 0;
  return (details) => {
    const now = Date.now();
    if (now - last < EVERY_MS) return;
    last = now;
    heartbeat(details);
  };
}

/** Passes chunks through, calling onChunk for each (e.g. to heartbeat with the bytes read so far). */
export async function* onEachChunk(source: AsyncIterable<Buffer>, onChunk: (chunk: Buffer) => void): AsyncGenerator<Buffer> {
  for await (const chunk of source) {
    onChunk(chunk);
    yield chunk;
  }
}
