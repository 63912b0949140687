// The Temporal SDK's logs (worker, activities, workflows, bundler) as one JSON line per event through
// core/log's writer, without activity task tokens (a token lets its holder complete the activity).
import { DefaultLogger, Runtime, type LogEntry, type LogLevel } from '@temporalio/worker';
import { write, type LogLevelName } from '../core/log';

const LEVELS: Record<LogLevel, LogLevelName> = { TRACE: 'debug', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' };
const SECRET_FIELDS = new Set(['taskToken']);

export function writeSdkEntry(entry: LogEntry): void {
  const fields = Object.fromEntries(Object.entries(entry.meta ?? {}).filter(([key]) => !SECRET_FIELDS.has(key)));
  write(LEVELS[entry.level], entry.message, fields, new Date(Number(entry.timestampNanos / 1_000_000n)));
}

/** Call before the first Temporal worker connection in the process; once the runtime exists this does
 *  nothing (the runtime keeps its options across restarts, and test files share one process). */
export function installOneLineLogs(level: LogLevel = 'INFO'): void {
  if (Runtime._instance) return;
  Runtime.install({ logger: new DefaultLogger(level, writeSdkEntry) });
}
