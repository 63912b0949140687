// The generator's options, their defaults, and the summary it returns (and writes to truth/).
import { z } from 'zod';
import { monthDataFields, parseOptions, type MonthSummaryBase } from './month-options';
import type { MalformedKind, OutOfRangeKind } from './row-dirt';
import type { ImageFormat } from './values';

const fraction = z.number().min(0).max(1);

export const generateMonthOptionsSchema = z
  .object({
    ...monthDataFields,
    dirt: z
      .object({
        /** Fraction of rows that cannot be parsed: wrong field count, bad timestamp, non-numeric age, bad label. */
        malformedRows: fraction.default(0),
        /** Fraction of rows with a value outside the spec's bounds: user_age -5 or 400, hour_of_day 30. */
        outOfRangeRows: fraction.default(0),
        /** Fraction of ads whose image the CSV references but which is never written. */
        missingImages: fraction.default(0),
        /** Fraction of ads whose image is written as undecodable bytes. */
        corruptImages: fraction.default(0),
      })
      .prefault({})
      .refine((d) => d.malformedRows + d.outOfRangeRows <= 1 && d.missingImages + d.corruptImages <= 1, 'dirt fractions of one kind sum to more than 1'),
    /** 0: seasonality only; 1: a drastic shift (tablets, users 25 years older, new placements). */
    drift: fraction.default(0),
    imageFormat: z.enum(['mixed', 'png', 'jpeg', 'webp']).default('mixed'),
  })
  .refine((o) => o.files <= o.impressions, { message: 'files must not exceed impressions', path: ['files'] });

export type GenerateMonthOptions = z.input<typeof generateMonthOptionsSchema>;
export type ResolvedOptions = z.output<typeof generateMonthOptionsSchema>;

export { InvalidGenerateOptionsError } from './month-options';

export function parseGenerateMonthOptions(input: GenerateMonthOptions): ResolvedOptions {
  return parseOptions(generateMonthOptionsSchema, input);
}

export interface GeneratedMonthSummary extends MonthSummaryBase {
  drift: number;
  /** Images stored (corrupt ones included), by format. */
  images: { written: number; byFormat: Record<ImageFormat, number> };
  /** Rows whose user_past_clicks_30d is empty (allowed: the column is optional). */
  emptyPastClicks: number;
  dirt: {
    malformedRows: Record<MalformedKind | 'total', number>;
    outOfRangeRows: Record<OutOfRangeKind | 'total', number>;
    /** Ads whose image was never written / was written corrupt. */
    missingImages: number;
    corruptImages: number;
    /** Rows that are otherwise valid (neither malformed nor out of range) but whose image is missing / corrupt. */
    rowsWithMissingImage: number;
    rowsWithCorruptImage: number;
    /** Rows with no problem at all. */
    cleanRows: number;
  };
  truth: { clickProbability: string; ads: string; summary: string };
}
