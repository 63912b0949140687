// One served prediction as the API logs it, and where the log lives: predictions/YYYY-MM-DD/<writer>-<seq>.jsonl.gz.
export interface LoggedPrediction {
  /** One per /v1/predict request, shared by its instances. */
  requestId: string;
  /** The instance's impression id (the spec's id column), when it carried one. */
  id?: string;
  modelVersion: number;
  probability: number;
  /** When it was served, ISO 8601 UTC; its day names the log folder. */
  at: string;
  /** The instance as sent, only with PREDICTION_LOG_INSTANCES=true. */
  instance?: Record<string, string | number | null>;
}

export const PREDICTION_LOG_PREFIX = 'predictions/';

export const predictionLogDayPrefix = (day: string) => `${PREDICTION_LOG_PREFIX}${day}/`;

export const predictionLogShard = (day: string, writerId: string, seq: number) =>
  `${predictionLogDayPrefix(day)}${writerId}-${String(seq).padStart(6, '0')}.jsonl.gz`;

const DAY_MS = 24 * 60 * 60 * 1000;

/** Every day from `from` to `to` (YYYY-MM-DD, inclusive), in order. */
export function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  for (let at = Date.parse(`${from}T00:00:00Z`); at <= Date.parse(`${to}T00:00:00Z`); at += DAY_MS) days.push(new Date(at).toISOString().slice(0, 10));
  return days;
}

/** The month's days, widened by `marginDays` on each side. */
export function monthLogDays(range: { from: number; to: number }, marginDays: number): { from: string; to: string } {
  const day = (at: number) => new Date(at).toISOString().slice(0, 10);
  return { from: day(range.from - marginDays * DAY_MS), to: day(range.to - DAY_MS + marginDays * DAY_MS) };
}
