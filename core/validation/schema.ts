// The data schema (TFX SchemaGen's output): what a month's data is expected to look like. Inferred
// from one month, stored as JSON, and editable by people, so it is validated whenever it is read.
import { z } from 'zod';

const fraction = z.number().min(0).max(1);
const base = {
  name: z.string(),
  /** From the spec; a required feature missing more than allowed blocks the run. */
  required: z.boolean(),
  maxMissingFraction: fraction,
};

const numeric = z.object({
  type: z.literal('numeric'),
  ...base,
  /** Values outside [min, max] are anomalies; null when the first month had no values. */
  domain: z
    .object({ min: z.number(), max: z.number() })
    .refine((d) => d.min < d.max, 'domain min must be below max')
    .nullable(),
  /** Every month's histogram uses these edges, so months compare bin by bin. Inferred outer edges
   *  are the domain's, so a histogram's underflow and overflow are exactly the out-of-domain values. */
  histogramEdges: z
    .array(z.number())
    .min(2)
    .refine((e) => e.every((x, i) => i === 0 || x > e[i - 1]!), 'histogram edges must increase'),
});

const categorical = z.object({
  type: z.literal('categorical'),
  ...base,
  /** The values seen when the schema was inferred, or 'open' for features with too many to list. */
  domain: z.union([z.array(z.string()), z.literal('open')]),
  /** Share of values outside the domain tolerated before a warning. */
  maxUnseenFraction: fraction,
});

const text = z.object({ type: z.literal('text'), ...base });
const image = z.object({ type: z.literal('image'), ...base });

export const schemaFormat = z.object({
  /** Numbered by the caller when it stores the schema; 0 until then. */
  version: z.number().int().nonnegative(),
  /** The month (YYYY-MM) whose statistics the schema was inferred from. */
  inferredFrom: z.string(),
  specName: z.string(),
  features: z.array(z.discriminatedUnion('type', [numeric, categorical, text, image])),
});

export type Schema = z.infer<typeof schemaFormat>;
export type FeatureSchema = Schema['features'][number];

export function parseSchema(json: unknown): Schema {
  const parsed = schemaFormat.safeParse(json);
  if (!parsed.success) throw new Error(`Invalid schema: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(schema)'}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

export function schemaFeature<T extends FeatureSchema['type']>(schema: Schema, name: string, type: T): Extract<FeatureSchema, { type: T }> | undefined {
  const feature = schema.features.find((f) => f.name === name);
  return feature?.type === type ? (feature as Extract<FeatureSchema, { type: T }>) : undefined;
}
