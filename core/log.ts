// Structured one-line JSON logs for code outside workflows and activities (they use Temporal's log).
type Fields = Record<string, unknown>;
export type LogLevelName = 'debug' | 'info' | 'warn' | 'error';

export function write(level: LogLevelName, message: string, fields: Fields = {}, time = new Date()): void {
  const line = JSON.stringify({ time: time.toISOString(), level, message, ...fields }, errorsAsText);
  (level === 'error' || level === 'warn' ? process.stderr : process.stdout).write(`${line}\n`);
}

/** Errors serialise as their message and stack (JSON.stringify would give `{}`). */
function errorsAsText(_key: string, value: unknown): unknown {
  return value instanceof Error ? { name: value.name, message: value.message, stack: value.stack } : value;
}

export const log = {
  debug: (message: string, fields?: Fields) => write('debug', message, fields),
  info: (message: string, fields?: Fields) => write('info', message, fields),
  warn: (message: string, fields?: Fields) => write('warn', message, fields),
  error: (message: string, fields?: Fields) => write('error', message, fields),
};
