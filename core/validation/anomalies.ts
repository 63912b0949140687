// ExampleValidator: a month's statistics against the schema, the thresholds and last month's
// statistics. Blocking anomalies stop the run; warnings are logged and reported.
import type { FeatureSpec } from '../features/spec';
import { driftAnomaly, imageFailures, labelAnomalies, missingValues, outOfDomain, schemaMismatch, tooFewExamples, unseenValues } from './checks';
import { measureDrift } from './drift';
import type { Anomaly, ValidationReport } from './report';
import type { Schema } from './schema';
import type { FeatureStatistics } from './statistics';
import { defaultValidationThresholds, type ValidationThresholds } from './thresholds';

export type { ValidationThresholds } from './thresholds';

export interface DetectAnomaliesInput {
  spec: FeatureSpec;
  schema: Schema;
  stats: FeatureStatistics;
  /** Last month's statistics, for drift; absent in the first month. */
  previous?: FeatureStatistics;
  /** Missing entries take their defaults. */
  thresholds?: Partial<ValidationThresholds>;
}

/** The spec is today's contract: a feature it now marks required is treated as required. */
function requiredBySpec(spec: FeatureSpec, name: string): boolean {
  const column = spec.columns.find((c) => c.name === name);
  return (column?.role === 'numeric' || column?.role === 'categorical') && column.required;
}

export function detectAnomalies(input: DetectAnomaliesInput): ValidationReport {
  const { spec, schema, stats, previous } = input;
  const thresholds = { ...defaultValidationThresholds, ...input.thresholds };
  const found: Anomaly[] = [];
  const note = (anomaly: Anomaly | undefined) => {
    if (anomaly) found.push(anomaly);
  };

  note(tooFewExamples(stats, thresholds));
  found.push(...labelAnomalies(stats, previous, thresholds));
  for (const column of stats.features) {
    const expected = schema.features.find((f) => f.name === column.name);
    if (expected?.type !== column.role) {
      note(schemaMismatch(column, expected));
      continue;
    }
    note(missingValues(expected, column, expected.required || requiredBySpec(spec, column.name)));
    if (column.role === 'numeric' && expected.type === 'numeric') note(outOfDomain(expected, column, thresholds));
    if (column.role === 'categorical' && expected.type === 'categorical') note(unseenValues(expected, column, thresholds));
    if (column.role === 'image') note(imageFailures(column, thresholds));
  }
  const drift = previous ? measureDrift(stats, previous, thresholds) : [];
  for (const measurement of drift) note(driftAnomaly(measurement));

  const blocking = found.filter((a) => a.severity === 'blocking');
  return { passed: blocking.length === 0, blocking, warnings: found.filter((a) => a.severity === 'warning'), drift };
}
