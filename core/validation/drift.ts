// Drift against the previous month, per feature: Jensen–Shannon divergence of numeric histograms and
// L-infinity distance of categorical value shares, as TFDV measures them.
import { jensenShannonDivergence, lInfinityDistance } from './divergence';
import { masses, rebin, sameEdges } from './histogram';
import { decimal, percent } from './numbers';
import type { DriftMeasurement } from './report';
import type { CategoricalStatistics, FeatureStatistics, NumericStatistics } from './statistics';
import type { ValidationThresholds } from './thresholds';

interface Distance {
  value: number;
  detail: string;
}

function numericDrift(current: NumericStatistics, previous: NumericStatistics): Distance | undefined {
  if (current.mean === null || current.std === null || previous.mean === null || previous.std === null || previous.min === null || previous.max === null)
    return undefined;
  // Month one counted with finer edges that the schema's nest in, so re-binning it is exact.
  const before = sameEdges(current.histogram.edges, previous.histogram.edges)
    ? previous.histogram
    : rebin(previous.histogram, current.histogram.edges, { min: previous.min, max: previous.max });
  return {
    value: jensenShannonDivergence(masses(current.histogram), masses(before)),
    detail: `mean ${decimal(previous.mean)} → ${decimal(current.mean)}, std ${decimal(previous.std)} → ${decimal(current.std)}`,
  };
}

function categoricalDrift(current: CategoricalStatistics, previous: CategoricalStatistics): Distance | undefined {
  if (current.count === 0 || previous.count === 0) return undefined;
  const now = new Map(current.counts.values);
  const before = new Map(previous.counts.values);
  const values = [...new Set([...now.keys(), ...before.keys()])];
  // Values beyond the tracked ones share one slot, like any other value.
  const p = [...values.map((v) => now.get(v) ?? 0), current.counts.other];
  const q = [...values.map((v) => before.get(v) ?? 0), previous.counts.other];
  const change = (i: number) => Math.abs(p[i]! / current.count - q[i]! / previous.count);
  const largest = p.reduce((best, _, i) => (change(i) > change(best) ? i : best), 0);
  const label = values[largest] ?? 'other values';
  return {
    value: lInfinityDistance(p, q),
    detail: `${label} ${percent(q[largest]! / previous.count)} → ${percent(p[largest]! / current.count)}`,
  };
}

function level(value: number, warn: number, block: number): Pick<DriftMeasurement, 'level' | 'threshold'> {
  if (value > block) return { level: 'blocking', threshold: block };
  return value > warn ? { level: 'warning', threshold: warn } : { level: 'ok', threshold: warn };
}

export function measureDrift(current: FeatureStatistics, previous: FeatureStatistics, thresholds: ValidationThresholds): DriftMeasurement[] {
  const measurements: DriftMeasurement[] = [];
  for (const feature of current.features) {
    const earlier = previous.features.find((f) => f.name === feature.name);
    if (feature.role === 'numeric' && earlier?.role === 'numeric') {
      const distance = numericDrift(feature, earlier);
      if (distance)
        measurements.push({ feature: feature.name, kind: 'jensen-shannon', ...distance, ...level(distance.value, thresholds.jsWarn, thresholds.jsBlock) });
    }
    if (feature.role === 'categorical' && earlier?.role === 'categorical') {
      const distance = categoricalDrift(feature, earlier);
      if (distance)
        measurements.push({ feature: feature.name, kind: 'l-infinity', ...distance, ...level(distance.value, thresholds.lInfWarn, thresholds.lInfBlock) });
    }
  }
  return measurements;
}
