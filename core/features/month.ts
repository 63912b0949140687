// Month arithmetic for 'YYYY-MM' strings, in UTC. Pure: workflows use it too.
/** 'YYYY-MM': the one month pattern (config, API, registry and generator validate with it). */
export const MONTH_PATTERN = /^(\d{4})-(0[1-9]|1[0-2])$/;
const MONTH = MONTH_PATTERN;

export function isMonth(value: string): boolean {
  return MONTH.test(value);
}

export function monthRange(month: string): { from: number; to: number } {
  const match = MONTH.exec(month);
  if (!match) throw new Error(`Not a month (YYYY-MM): ${JSON.stringify(month)}`);
  const year = Number(match[1]);
  const index = Number(match[2]) - 1;
  return { from: Date.UTC(year, index, 1), to: Date.UTC(year, index + 1, 1) };
}

export function addMonths(month: string, delta: number): string {
  const { from } = monthRange(month);
  const date = new Date(from);
  date.setUTCMonth(date.getUTCMonth() + delta);
  return date.toISOString().slice(0, 7);
}

/** The month a run scheduled at `time` processes: the one just ended. */
export function monthBefore(time: Date): string {
  return addMonths(time.toISOString().slice(0, 7), -1);
}
