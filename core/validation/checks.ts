// The individual checks of ExampleValidator: each compares one part of a month's statistics with the
// schema or a threshold and says, with the numbers, what is wrong.
import { rebin } from './histogram';
import { decimal, percent } from './numbers';
import type { Anomaly, DriftMeasurement, Severity } from './report';
import type { FeatureSchema } from './schema';
import type { CategoricalStatistics, ColumnStatistics, FeatureStatistics, ImageStatistics, NumericStatistics } from './statistics';
import type { ValidationThresholds } from './thresholds';

type NumericSchema = Extract<FeatureSchema, { type: 'numeric' }>;
type CategoricalSchema = Extract<FeatureSchema, { type: 'categorical' }>;

const severityFor = (value: number, warn: number, block: number): Severity | undefined => (value > block ? 'blocking' : value > warn ? 'warning' : undefined);

export function tooFewExamples(stats: FeatureStatistics, t: ValidationThresholds): Anomaly | undefined {
  if (stats.examples >= t.minExamples) return undefined;
  return {
    feature: '(all)',
    kind: 'too-few-examples',
    severity: 'blocking',
    value: stats.examples,
    threshold: t.minExamples,
    message: `The month has ${stats.examples} examples, fewer than the ${t.minExamples} needed to validate and train on it`,
  };
}

export function labelAnomalies(stats: FeatureStatistics, previous: FeatureStatistics | undefined, t: ValidationThresholds): Anomaly[] {
  const { name, positives, positiveRate: rate } = stats.label;
  if (rate === null) return [];
  const found: Anomaly[] = [];
  if (rate < t.labelRateMin || rate > t.labelRateMax) {
    found.push({
      feature: name,
      kind: 'label-rate',
      severity: 'blocking',
      value: rate,
      threshold: rate < t.labelRateMin ? t.labelRateMin : t.labelRateMax,
      message:
        `${name}: positive rate ${percent(rate)} (${positives} of ${stats.examples}) is outside the plausible band ` +
        `${percent(t.labelRateMin)}–${percent(t.labelRateMax)}`,
    });
  }
  const before = previous?.label.positiveRate;
  const ratio = before && rate > 0 ? Math.max(rate / before, before / rate) : undefined;
  if (before && ratio !== undefined && ratio > t.labelRateChangeWarn) {
    found.push({
      feature: name,
      kind: 'label-rate-change',
      severity: 'warning',
      value: ratio,
      threshold: t.labelRateChangeWarn,
      message:
        `${name}: positive rate ${percent(rate)} against ${percent(before)} last month, a ${decimal(ratio)}× change (warning above ` +
        `${t.labelRateChangeWarn}×)`,
    });
  }
  return found;
}

export function missingValues(schema: FeatureSchema, stats: ColumnStatistics, required: boolean): Anomaly | undefined {
  const total = stats.count + stats.missing;
  const fraction = total === 0 ? 0 : stats.missing / total;
  if (fraction <= schema.maxMissingFraction) return undefined;
  return {
    feature: stats.name,
    kind: 'missing-values',
    severity: required ? 'blocking' : 'warning',
    value: fraction,
    threshold: schema.maxMissingFraction,
    message:
      `${stats.name}: ${percent(fraction)} of values missing (${stats.missing} of ${total}), above the ${percent(schema.maxMissingFraction)} ` +
      `the schema allows${required ? ' for this required feature' : ''}`,
  };
}

export function outOfDomain(schema: NumericSchema, stats: NumericStatistics, t: ValidationThresholds): Anomaly | undefined {
  if (!schema.domain || stats.min === null || stats.max === null) return undefined;
  const { min, max } = schema.domain;
  // Exact when the histogram uses the schema's edges, whose outer ones are the domain.
  const outside = rebin(stats.histogram, [min, max], { min: stats.min, max: stats.max });
  const fraction = (outside.underflow + outside.overflow) / stats.count;
  const severity = severityFor(fraction, t.outOfDomainWarn, t.outOfDomainBlock);
  if (!severity) return undefined;
  return {
    feature: stats.name,
    kind: 'out-of-domain',
    severity,
    value: fraction,
    threshold: severity === 'blocking' ? t.outOfDomainBlock : t.outOfDomainWarn,
    message:
      `${stats.name}: ${percent(fraction)} of values outside the schema domain [${decimal(min)}, ${decimal(max)}] (observed ` +
      `${decimal(stats.min)} to ${decimal(stats.max)}); warning above ${percent(t.outOfDomainWarn)}, blocking above ${percent(t.outOfDomainBlock)}`,
  };
}

export function unseenValues(schema: CategoricalSchema, stats: CategoricalStatistics, t: ValidationThresholds): Anomaly | undefined {
  if (schema.domain === 'open' || stats.count === 0) return undefined;
  const known = new Set(schema.domain);
  const unseen = stats.counts.values.filter(([value]) => !known.has(value));
  // Values beyond the tracked ones count as unseen: an upper bound, exact below maxDistinct.
  const unseenCount = unseen.reduce((sum, [, n]) => sum + n, 0) + stats.counts.other;
  const fraction = unseenCount / stats.count;
  const blockAt = Math.max(t.unseenBlock, schema.maxUnseenFraction);
  const severity = severityFor(fraction, schema.maxUnseenFraction, blockAt);
  if (!severity) return undefined;
  const examples = unseen
    .slice(0, 5)
    .map(([value, n]) => `${JSON.stringify(value)} (${n})`)
    .join(', ');
  return {
    feature: stats.name,
    kind: 'unseen-values',
    severity,
    value: fraction,
    threshold: severity === 'blocking' ? blockAt : schema.maxUnseenFraction,
    message:
      `${stats.name}: ${percent(fraction)} of values (${unseenCount} of ${stats.count}) are not in the schema ` +
      `domain${examples ? `, e.g. ${examples}` : ''}; the schema allows ${percent(schema.maxUnseenFraction)}, blocking above ${percent(blockAt)}`,
  };
}

export function imageFailures(stats: ImageStatistics, t: ValidationThresholds): Anomaly | undefined {
  const checks = stats.checks;
  const total = checks ? checks.ok + checks.missing + checks.corrupt : 0;
  if (!checks || total === 0) return undefined;
  const fraction = (checks.missing + checks.corrupt) / total;
  const severity = severityFor(fraction, t.imageFailureWarn, t.imageFailureBlock);
  if (!severity) return undefined;
  const reasons = Object.entries(checks.unreadableReasons ?? {})
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([reason, n]) => `${reason} (${n})`);
  return {
    feature: stats.name,
    kind: 'image-failures',
    severity,
    value: fraction,
    threshold: severity === 'blocking' ? t.imageFailureBlock : t.imageFailureWarn,
    message:
      `${stats.name}: ${percent(fraction)} of the month's ${total} images failed (${checks.missing} missing, ${checks.corrupt} ` +
      `unreadable${reasons.length ? `: ${reasons.join(', ')}` : ''}); warning above ${percent(t.imageFailureWarn)}, blocking above ` +
      `${percent(t.imageFailureBlock)}`,
  };
}

export function driftAnomaly(drift: DriftMeasurement): Anomaly | undefined {
  if (drift.level === 'ok') return undefined;
  const measure = drift.kind === 'jensen-shannon' ? 'Jensen–Shannon divergence' : 'L-infinity distance';
  return {
    feature: drift.feature,
    kind: 'drift',
    severity: drift.level,
    value: drift.value,
    threshold: drift.threshold,
    message: `${drift.feature}: drifted from last month, ${measure} ${drift.value.toFixed(3)} above ${drift.threshold} (${drift.detail})`,
  };
}

export function schemaMismatch(stats: ColumnStatistics, schema: FeatureSchema | undefined): Anomaly {
  return {
    feature: stats.name,
    kind: 'schema-mismatch',
    severity: 'warning',
    value: 0,
    threshold: 0,
    message: schema
      ? `${stats.name}: the schema expects a ${schema.type} feature, the data has a ${stats.role} one; re-infer the schema`
      : `${stats.name}: not in the schema (a new ${stats.role} feature?); its values were not checked; re-infer the schema`,
  };
}
