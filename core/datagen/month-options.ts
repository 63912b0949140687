// Options every generator takes: which month, how big, how it is split into files, its seeds, and how
// the ad catalogue slides from month to month.
import { z } from 'zod';
import { MONTH_PATTERN } from '../features/month';
import { hashSeed } from '../random';

const seed = z.union([z.number().int(), z.string().min(1)]);

export const monthDataFields = {
  month: z.string().regex(MONTH_PATTERN, 'month must be YYYY-MM'),
  impressions: z.number().int().min(1).default(200_000),
  /** Ads served in the month. */
  ads: z.number().int().min(1).max(1_000_000).default(2000),
  /** Number of CSV files the impressions are split over. */
  files: z.number().int().min(1).max(1000).default(4),
  gzip: z.boolean().default(false),
  /** The month's impressions; defaults to one derived from the month, so a month regenerates identically. */
  seed: seed.optional(),
  /** The ads and advertisers; defaults to a fixed one, so every month draws from the same catalogue. */
  catalogSeed: seed.optional(),
  /** Share of the month's ads that the month before did not serve. */
  newAdShare: z.number().min(0).max(1).default(0.25),
};

/** What every generator's summary says of the month it wrote. */
export interface MonthSummaryBase {
  month: string;
  seed: number;
  catalogSeed: number;
  impressions: number;
  /** True labels of all rows, dirty ones included. */
  clicks: number;
  observedCtr: number;
  /** Mean true click probability over all rows. */
  meanTrueCtr: number;
  ads: number;
  /** Ads the month before did not serve (truth/<month>/ads.csv marks them). */
  newAds: number;
  advertisers: number;
  files: { key: string; rows: number }[];
}

/** A number is used as is; text (or, when absent, the fallback) is hashed. */
export function resolveSeed(value: number | string | undefined, fallback: string): number {
  if (typeof value === 'number') return value >>> 0;
  return hashSeed(value ?? fallback);
}

export class InvalidGenerateOptionsError extends Error {}

/** Options with their defaults filled in, or an error naming every bad one. */
export function parseOptions<S extends z.ZodType>(schema: S, input: z.input<S>): z.output<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    throw new InvalidGenerateOptionsError(parsed.error.issues.map((i) => `${i.path.join('.') || '(options)'}: ${i.message}`).join('; '));
  }
  return parsed.data;
}
