// The Temporal SDK runtime of a worker process: its logs (worker, activities, workflows, bundler, and the
// native core's, forwarded) as one JSON line per event through core/log's writer, without activity task
// tokens (a token lets its holder complete the activity); and, when asked, its metrics for Prometheus.
import { DefaultLogger, Runtime, type LogEntry, type LogLevel } from '@temporalio/worker';
import { write, type LogLevelName } from '../core/log';

const LEVELS: Record<LogLevel, LogLevelName> = { TRACE: 'debug', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' };
const SECRET_FIELDS = new Set(['taskToken']);

export function writeSdkEntry(entry: LogEntry): void {
  const fields = Object.fromEntries(Object.entries(entry.meta ?? {}).filter(([key]) => !SECRET_FIELDS.has(key)));
  write(LEVELS[entry.level], entry.message, fields, new Date(Number(entry.timestampNanos / 1_000_000n)));
}

export interface WorkerRuntimeOptions {
  logLevel?: LogLevel;
  /** host:port for the SDK's Prometheus exporter (GET /metrics); absent: no metrics. */
  metricsAddress?: string;
}

/** Call before the first Temporal worker connection in the process; once the runtime exists this does
 *  nothing (the runtime keeps its options across restarts, and test files share one process). */
export function installWorkerRuntime({ logLevel = 'INFO', metricsAddress }: WorkerRuntimeOptions = {}): void {
  if (Runtime._instance) return;
  Runtime.install({
    logger: new DefaultLogger(logLevel, writeSdkEntry),
    telemetryOptions: {
      logging: { filter: { core: 'WARN', other: 'ERROR' }, forward: {} },
      ...(metricsAddress ? { metrics: { prometheus: { bindAddress: metricsAddress, countersTotalSuffix: true } } } : {}),
    },
  });
}
