// The feature spec: which CSV column plays which role. A bucket may carry its own (spec.json);
// otherwise the default spec, which matches the data generator, applies.
import { z } from 'zod';
import { TEXT_ENCODINGS } from '../storage/text-encoding';

const name = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'column names are identifiers (letters, digits, _)');

const column = z.discriminatedUnion('role', [
  z.object({ name, role: z.literal('id') }),
  /** ISO 8601 or epoch milliseconds. */
  z.object({ name, role: z.literal('timestamp') }),
  /** 0 or 1. */
  z.object({ name, role: z.literal('label') }),
  z.object({
    name,
    role: z.literal('numeric'),
    /** Values outside [min, max] are quarantined as out of range. */
    min: z.number().optional(),
    max: z.number().optional(),
    required: z.boolean().default(true),
  }),
  z.object({
    name,
    role: z.literal('categorical'),
    /** Keep the most frequent values (fit on training data); others share one out-of-vocabulary id. */
    vocabularySize: z.number().int().min(1).max(100_000).default(100),
    /** Hash values into this many buckets instead of keeping a vocabulary (high-cardinality columns). */
    hashBuckets: z.number().int().min(2).max(1_000_000).optional(),
    required: z.boolean().default(true),
  }),
  z.object({
    name,
    role: z.literal('text'),
    maxTokens: z.number().int().min(1).max(128).default(12),
    vocabularySize: z.number().int().min(10).max(100_000).default(2000),
  }),
  /** A path, relative to the month's folder, of the ad's image. Images belong to ads, not impressions. */
  z.object({ name, role: z.literal('image'), size: z.number().int().min(8).max(128).default(32) }),
]);

export const featureSpecSchema = z
  .object({
    name: z.string().default('custom'),
    /** How the month's CSV bytes are decoded; rows that are not valid UTF-8 are quarantined, not mangled. */
    encoding: z.enum(TEXT_ENCODINGS).default('utf-8'),
    columns: z.array(column).min(2),
    /** Categorical columns to report metrics per value of, in evaluation. */
    slices: z.array(name).default([]),
  })
  .superRefine((spec, ctx) => {
    const count = (role: string) => spec.columns.filter((c) => c.role === role).length;
    if (count('label') !== 1) ctx.addIssue({ code: 'custom', message: 'exactly one column must have role "label"' });
    if (count('timestamp') !== 1) ctx.addIssue({ code: 'custom', message: 'exactly one column must have role "timestamp"' });
    if (count('image') > 1) ctx.addIssue({ code: 'custom', message: 'at most one column may have role "image"' });
    if (count('numeric') + count('categorical') + count('text') + count('image') === 0) ctx.addIssue({ code: 'custom', message: 'no feature columns' });
    const names = spec.columns.map((c) => c.name);
    const duplicate = names.find((n, i) => names.indexOf(n) !== i);
    if (duplicate) ctx.addIssue({ code: 'custom', message: `column ${duplicate} appears twice` });
    for (const slice of spec.slices) {
      if (!spec.columns.some((c) => c.name === slice && c.role === 'categorical'))
        ctx.addIssue({ code: 'custom', message: `slice ${slice} is not a categorical column` });
    }
  });

export type FeatureSpec = z.infer<typeof featureSpecSchema>;
export type ColumnSpec = FeatureSpec['columns'][number];
export type ColumnOf<R extends ColumnSpec['role']> = Extract<ColumnSpec, { role: R }>;

export class InvalidSpecError extends Error {}

export function parseFeatureSpec(json: unknown): FeatureSpec {
  const parsed = featureSpecSchema.safeParse(json);
  if (!parsed.success) {
    throw new InvalidSpecError(`Invalid feature spec: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(spec)'}: ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}

export function columnsOf<R extends ColumnSpec['role']>(spec: FeatureSpec, role: R): ColumnOf<R>[] {
  return spec.columns.filter((c): c is ColumnOf<R> => c.role === role);
}

export function labelColumn(spec: FeatureSpec): string {
  return columnsOf(spec, 'label')[0]!.name;
}

export function timestampColumn(spec: FeatureSpec): string {
  return columnsOf(spec, 'timestamp')[0]!.name;
}

export function imageColumn(spec: FeatureSpec): ColumnOf<'image'> | undefined {
  return columnsOf(spec, 'image')[0];
}
