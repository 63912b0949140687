// Which ads a month serves: an endless catalogue, numbered from 0, of which each month shows a window
// that slides by a fixed number of new ads per month. Consecutive months share all but those new ads,
// and any month's window follows from its calendar position alone, so months generate independently.
import { addMonths, monthRange } from '../features/month';

/** Month 0 of the catalogue. Ads are numbered from here on. */
export const CATALOG_EPOCH = '1970-01';

export interface CatalogWindow {
  month: string;
  /** Catalogue index of the month's first ad; the month serves [first, first + size). */
  first: number;
  size: number;
  /** Ads the month serves that the month before did not. */
  newPerMonth: number;
}

/** Whole months since CATALOG_EPOCH. */
export function catalogMonthIndex(month: string): number {
  const from = new Date(monthRange(month).from);
  return (from.getUTCFullYear() - 1970) * 12 + from.getUTCMonth();
}

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
  if (window.newPerMonth === 0) return CATALOG_EPOCH;
  const months = Math.max(0, Math.floor((index - window.size) / window.newPerMonth) + 1);
  return addMonths(CATALOG_EPOCH, months);
}
