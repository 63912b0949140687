// SchemaGen: a schema from one month's statistics, with a little slack so the next ordinary month
// passes. Deterministic: the same statistics always give the same schema.
import type { ColumnSpec, FeatureSpec } from '../features/spec';
import { quantileEdges } from './histogram';
import type { FeatureSchema, Schema } from './schema';
import type { ColumnStatistics, FeatureStatistics, NumericStatistics } from './statistics';

export interface SchemaInferenceOptions {
  /** The month (YYYY-MM) the statistics describe; defaults to the month of their earliest timestamp. */
  month?: string;
  /** Added to the observed missing fraction to give the allowed one. */
  missingMargin: number;
  /** Observed numeric ranges widen by this share of their span on each side not fixed by the spec. */
  domainMargin: number;
  /** Categorical features with more distinct values get an open domain (TFDV's max_string_domain_size). */
  maxDomainValues: number;
  /** Share of unseen categorical values tolerated before a warning. */
  maxUnseenFraction: number;
  /** Histogram bins for numeric features whose month-one histogram was finer. */
  numericBins: number;
}

export const defaultSchemaInferenceOptions: SchemaInferenceOptions = {
  missingMargin: 0.05,
  domainMargin: 0.1,
  maxDomainValues: 100,
  maxUnseenFraction: 0.01,
  numericBins: 20,
};

type NumericColumn = Extract<ColumnSpec, { role: 'numeric' }>;

function numericDomain(column: NumericColumn, stats: NumericStatistics, margin: number): { min: number; max: number } | null {
  if (stats.min === null || stats.max === null) {
    return column.min !== undefined && column.max !== undefined && column.min < column.max ? { min: column.min, max: column.max } : null;
  }
  const span = stats.max - stats.min || Math.max(Math.abs(stats.max), 1);
  // Features never seen negative (counts, ages) stay non-negative.
  const widenedMin = stats.min >= 0 ? Math.max(0, stats.min - margin * span) : stats.min - margin * span;
  const min = column.min ?? widenedMin;
  const max = column.max ?? stats.max + margin * span;
  return max > min ? { min, max } : { min, max: min + 1 };
}

/** The domain's bounds as outer edges; inside, the month's own edges when already coarse (they came
 *  from a schema), else its quantiles among them, so the month's histogram nests in the new one. */
function histogramEdges(stats: NumericStatistics, domain: { min: number; max: number } | null, bins: number): number[] {
  const own = stats.histogram;
  if (!domain) return [...own.edges];
  const interior = own.counts.length <= bins ? own.edges.filter((e) => e > domain.min && e < domain.max) : quantileEdges(own, bins, domain.min, domain.max);
  return [domain.min, ...interior, domain.max];
}

function featureSchema(column: ColumnSpec, stats: ColumnStatistics, options: SchemaInferenceOptions): FeatureSchema | undefined {
  const observedMissing = stats.count + stats.missing === 0 ? 0 : stats.missing / (stats.count + stats.missing);
  const base = { name: column.name, maxMissingFraction: Math.min(1, observedMissing + options.missingMargin) };
  if (column.role === 'numeric' && stats.role === 'numeric') {
    const domain = numericDomain(column, stats, options.domainMargin);
    return { type: 'numeric', ...base, required: column.required, domain, histogramEdges: histogramEdges(stats, domain, options.numericBins) };
  }
  if (column.role === 'categorical' && stats.role === 'categorical') {
    // Hashed features expect new values every month; so do features with too many values to list.
    const open = column.hashBuckets !== undefined || stats.distinctIsLowerBound || stats.distinct > options.maxDomainValues;
    const domain = open ? ('open' as const) : stats.counts.values.map(([value]) => value).sort();
    return { type: 'categorical', ...base, required: column.required, domain, maxUnseenFraction: options.maxUnseenFraction };
  }
  if (column.role === 'text' && stats.role === 'text') return { type: 'text', ...base, required: false };
  if (column.role === 'image' && stats.role === 'image') return { type: 'image', ...base, required: false };
  return undefined;
}

export function inferSchema(spec: FeatureSpec, stats: FeatureStatistics, overrides: Partial<SchemaInferenceOptions> = {}): Schema {
  const options = { ...defaultSchemaInferenceOptions, ...overrides };
  const features: FeatureSchema[] = [];
  for (const column of spec.columns) {
    if (column.role === 'id' || column.role === 'timestamp' || column.role === 'label') continue;
    const columnStats = stats.features.find((f) => f.name === column.name);
    const feature = columnStats && featureSchema(column, columnStats, options);
    if (!feature) throw new Error(`The statistics have no ${column.role} feature ${column.name}: were they computed with spec ${spec.name}?`);
    features.push(feature);
  }
  const inferredFrom = options.month ?? (stats.timestamp.min === null ? 'unknown' : new Date(stats.timestamp.min).toISOString().slice(0, 7));
  return { version: 0, inferredFrom, specName: spec.name, features };
}
