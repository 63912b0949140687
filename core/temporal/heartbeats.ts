// Long reads heartbeat by time as bytes arrive, not every N rows: one 10 MB line holds no rows at all,
// and a scan that stays silent past the heartbeat timeout is killed and retried for nothing.
import { CancelledFailure, Context, heartbeat } from '@temporalio/activity';

const EVERY_MS = 1000;

/** A heartbeat that sends at most once a second, however often it is called, and throws once the
 *  activity is cancelled (a cancelled run's work stops within seconds, not at the end of a file). */
export function throttledHeartbeat(): (details: unknown) => void {
  let last = 0;
  return (details) => {
    stopIfCancelled();
    const now = Date.now();
    if (now - last < EVERY_MS) return;
    last = now;
    heartbeat(details);
  };
}

export function stopIfCancelled(): void {
  const context = Context.current();
  if (context.cancellationSignal.aborted) throw new CancelledFailure(`cancelled: ${String(context.cancellationSignal.reason ?? 'the run was cancelled')}`);
}

/** Passes chunks through, calling onChunk for each (e.g. to heartbeat with the bytes read so far). */
export async function* onEachChunk(source: AsyncIterable<Buffer>, onChunk: (chunk: Buffer) => void): AsyncGenerator<Buffer> {
  for await (const chunk of source) {
    onChunk(chunk);
    yield chunk;
  }
}
