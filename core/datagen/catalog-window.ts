// Which ads a month serves: an endless catalogue, numbered from 0, of which each month shows a window
// that slides by a fixed number of new ads per month. Consecutive months share all but those new ads,
// and any month's window follows from its calendar position alone, so months generate independently.
import { MONTH_PATTERN } from '../features/month';

export interface CatalogWindow {
  month: string;
  /** Catalogue index of the month's first ad; the month serves [first, first + size). */
  first: number;
  size: number;
  /** Ads the month serves that the month before did not. */
  newPerMonth: number;
}

/** Whole months since 0000-01, the catalogue's month 0, so every YYYY-MM month has a window. */
export function catalogMonthIndex(month: string): number {
  const match = MONTH_PATTERN.exec(month);
  if (!match) throw new Error(`Not a month (YYYY-MM): ${JSON.stringify(month)}`);
  return Number(match[1]) * 12 + Number(match[2]) - 1;
}

const monthOfIndex = (index: number) => `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;

export function catalogWindow(month: string, size: number, newAdShare: number): CatalogWindow {
  const newPerMonth = Math.round(size * newAdShare);
  return { month, first: catalogMonthIndex(month) * newPerMonth, size, newPerMonth };
}

/** The catalogue indices the month serves, in order. */
export function windowIndices(window: CatalogWindow): number[] {
  return Array.from({ length: window.size }, (_, i) => window.first + i);
}

/** True when the month before did not serve this ad. */
export function isNewInWindow(window: CatalogWindow, index: number): boolean {
  return index >= window.first - window.newPerMonth + window.size;
}

/** The first month whose window (of this size and share) serves the ad. */
export function firstMonthOf(window: CatalogWindow, index: number): string {
  if (window.newPerMonth === 0) return monthOfIndex(0);
  return monthOfIndex(Math.max(0, Math.floor((index - window.size) / window.newPerMonth) + 1));
}
