// Combining statistics: shards counted in parallel merge into the month's statistics, and the image
// step's checks are attached once they are known.
import { mergeValueCounts } from './bounded-counts';
import { mergeHistograms } from './histogram';
import { withCategoricalSummary, withNumericSummary, withTextSummary, type ColumnStatistics, type FeatureStatistics, type ImageChecks } from './statistics';

const nullableMin = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.min(a, b));
const nullableMax = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.max(a, b));

function addRecords(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
  const sum = new Map(Object.entries(a));
  for (const [key, n] of Object.entries(b)) sum.set(key, (sum.get(key) ?? 0) + n);
  return Object.fromEntries([...sum].sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0)));
}

function mergeImageChecks(a: ImageChecks | null, b: ImageChecks | null): ImageChecks | null {
  if (!a || !b) return a ?? b;
  const merged: ImageChecks = { ok: a.ok + b.ok, missing: a.missing + b.missing, corrupt: a.corrupt + b.corrupt };
  if (a.unreadableReasons || b.unreadableReasons) merged.unreadableReasons = addRecords(a.unreadableReasons ?? {}, b.unreadableReasons ?? {});
  return merged;
}

function mergeColumn(a: ColumnStatistics, b: ColumnStatistics, maxDistinct: number): ColumnStatistics {
  if (a.name !== b.name || a.role !== b.role) throw new Error(`Cannot merge statistics of ${a.role} ${a.name} with ${b.role} ${b.name}`);
  const present = { name: a.name, count: a.count + b.count, missing: a.missing + b.missing };
  if (a.role === 'numeric' && b.role === 'numeric') {
    return withNumericSummary({
      role: 'numeric',
      ...present,
      sum: a.sum + b.sum,
      sumOfSquares: a.sumOfSquares + b.sumOfSquares,
      zeros: a.zeros + b.zeros,
      min: nullableMin(a.min, b.min),
      max: nullableMax(a.max, b.max),
      histogram: mergeHistograms(a.histogram, b.histogram),
    });
  }
  if (a.role === 'categorical' && b.role === 'categorical') {
    return withCategoricalSummary({ role: 'categorical', ...present, counts: mergeValueCounts(a.counts, b.counts, maxDistinct) });
  }
  if (a.role === 'text' && b.role === 'text') {
    return withTextSummary({ role: 'text', ...present, tokens: a.tokens + b.tokens, tokenCounts: mergeValueCounts(a.tokenCounts, b.tokenCounts, maxDistinct) });
  }
  if (a.role === 'image' && b.role === 'image') return { role: 'image', ...present, checks: mergeImageChecks(a.checks, b.checks) };
  throw new Error(`Unknown feature role ${a.role}`);
}

/** Equal to counting both inputs in one pass while each feature's distinct values fit maxDistinct. */
export function mergeStatistics(a: FeatureStatistics, b: FeatureStatistics): FeatureStatistics {
  if (a.specName !== b.specName) throw new Error(`Cannot merge statistics of spec ${a.specName} with spec ${b.specName}`);
  if (a.maxDistinct !== b.maxDistinct) throw new Error(`Cannot merge statistics counted with maxDistinct ${a.maxDistinct} and ${b.maxDistinct}`);
  if (a.features.length !== b.features.length) throw new Error('Cannot merge statistics of different feature lists');
  const examples = a.examples + b.examples;
  const positives = a.label.positives + b.label.positives;
  return {
    specName: a.specName,
    examples,
    maxDistinct: a.maxDistinct,
    label: { name: a.label.name, positives, positiveRate: examples === 0 ? null : positives / examples },
    timestamp: {
      name: a.timestamp.name,
      min: nullableMin(a.timestamp.min, b.timestamp.min),
      max: nullableMax(a.timestamp.max, b.timestamp.max),
      perDay: addRecords(a.timestamp.perDay, b.timestamp.perDay),
    },
    features: a.features.map((column, i) => mergeColumn(column, b.features[i]!, a.maxDistinct)),
  };
}

/** Attaches the image step's counts (over the month's distinct images) to the image feature. */
export function withImageChecks(stats: FeatureStatistics, checks: ImageChecks): FeatureStatistics {
  const { ok, missing, corrupt, unreadableReasons } = checks;
  const copied: ImageChecks = unreadableReasons ? { ok, missing, corrupt, unreadableReasons: { ...unreadableReasons } } : { ok, missing, corrupt };
  return { ...stats, features: stats.features.map((f) => (f.role === 'image' ? { ...f, checks: copied } : f)) };
}
