// The statistics of one month (TFX StatisticsGen's output): plain JSON that keeps what an exact merge
// needs (counts, sums, histograms, value counts) next to what people read (mean, std, top values).
import { z } from 'zod';

const count = z.number().int().nonnegative();
const valueCounts = z.object({ values: z.array(z.tuple([z.string(), count])), other: count });
const histogram = z.object({ edges: z.array(z.number()).min(2), counts: z.array(z.number()), underflow: z.number(), overflow: z.number() });

/** Counted by the image step over the month's distinct images, not per example. */
export const imageChecksFormat = z.object({ ok: count, missing: count, corrupt: count, unreadableReasons: z.record(z.string(), count).optional() });

const present = { name: z.string(), count, missing: count };

const numeric = z.object({
  role: z.literal('numeric'),
  ...present,
  sum: z.number(),
  sumOfSquares: z.number(),
  zeros: count,
  min: z.number().nullable(),
  max: z.number().nullable(),
  mean: z.number().nullable(),
  std: z.number().nullable(),
  histogram,
});

const categorical = z.object({
  role: z.literal('categorical'),
  ...present,
  counts: valueCounts,
  distinct: count,
  /** True when more distinct values came than were tracked. */
  distinctIsLowerBound: z.boolean(),
  top: z.array(z.object({ value: z.string(), count, frequency: z.number() })),
});

const text = z.object({
  role: z.literal('text'),
  ...present,
  tokens: count,
  averageTokens: z.number().nullable(),
  tokenCounts: valueCounts,
  distinctTokens: count,
  distinctTokensIsLowerBound: z.boolean(),
});

const image = z.object({ role: z.literal('image'), ...present, checks: imageChecksFormat.nullable() });

export const statisticsFormat = z.object({
  specName: z.string(),
  examples: count,
  /** Distinct values tracked per categorical or text feature; merges keep the same bound. */
  maxDistinct: z.number().int().positive(),
  label: z.object({ name: z.string(), positives: count, positiveRate: z.number().nullable() }),
  /** perDay is keyed by UTC date, YYYY-MM-DD. */
  timestamp: z.object({ name: z.string(), min: z.number().nullable(), max: z.number().nullable(), perDay: z.record(z.string(), count) }),
  features: z.array(z.discriminatedUnion('role', [numeric, categorical, text, image])),
});

export type FeatureStatistics = z.infer<typeof statisticsFormat>;
export type ColumnStatistics = FeatureStatistics['features'][number];
export type NumericStatistics = z.infer<typeof numeric>;
export type CategoricalStatistics = z.infer<typeof categorical>;
export type TextStatistics = z.infer<typeof text>;
export type ImageStatistics = z.infer<typeof image>;
export type ImageChecks = z.infer<typeof imageChecksFormat>;

/** Statistics read back from the bucket are checked: people can edit buckets. */
export function parseStatistics(json: unknown): FeatureStatistics {
  const parsed = statisticsFormat.safeParse(json);
  if (!parsed.success) throw new Error(`Invalid statistics: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

export const TOP_VALUES = 20;

export function withNumericSummary(raw: Omit<NumericStatistics, 'mean' | 'std'>): NumericStatistics {
  if (raw.count === 0) return { ...raw, mean: null, std: null };
  const mean = raw.sum / raw.count;
  // Population std; rounding can push the difference a hair below zero.
  return { ...raw, mean, std: Math.sqrt(Math.max(raw.sumOfSquares / raw.count - mean * mean, 0)) };
}

export function withCategoricalSummary(raw: Omit<CategoricalStatistics, 'distinct' | 'distinctIsLowerBound' | 'top'>): CategoricalStatistics {
  const top = raw.counts.values.slice(0, TOP_VALUES).map(([value, n]) => ({ value, count: n, frequency: n / raw.count }));
  return { ...raw, distinct: raw.counts.values.length, distinctIsLowerBound: raw.counts.other > 0, top };
}

export function withTextSummary(raw: Omit<TextStatistics, 'averageTokens' | 'distinctTokens' | 'distinctTokensIsLowerBound'>): TextStatistics {
  return {
    ...raw,
    averageTokens: raw.count === 0 ? null : raw.tokens / raw.count,
    distinctTokens: raw.tokenCounts.values.length,
    distinctTokensIsLowerBound: raw.tokenCounts.other > 0,
  };
}

/** Each tracked value's share of the feature's present values. */
export function categoricalFrequencies(stats: CategoricalStatistics): Map<string, number> {
  return new Map(stats.counts.values.map(([value, n]) => [value, n / stats.count]));
}
