// What validation found (TFX ExampleValidator's anomalies), and its text for the run's logs and
// failure message.

export type Severity = 'warning' | 'blocking';

export type AnomalyKind =
  | 'too-few-examples'
  | 'missing-values'
  | 'out-of-domain'
  | 'unseen-values'
  | 'label-rate'
  | 'label-rate-change'
  | 'image-failures'
  | 'drift'
  | 'schema-mismatch';

export interface Anomaly {
  feature: string;
  kind: AnomalyKind;
  severity: Severity;
  /** Names the feature and says the numbers. */
  message: string;
  /** The measured quantity and the limit it crossed. */
  value: number;
  threshold: number;
}

export interface DriftMeasurement {
  feature: string;
  kind: 'jensen-shannon' | 'l-infinity';
  value: number;
  /** The limit crossed, or the warning limit when none was. */
  threshold: number;
  level: 'ok' | 'warning' | 'blocking';
  /** What moved most, e.g. "mobile 70% → 30%". */
  detail: string;
}

export interface ValidationReport {
  /** No blocking anomalies: the run may go on. */
  passed: boolean;
  blocking: Anomaly[];
  warnings: Anomaly[];
  /** Every feature compared with the previous month, including those within thresholds. */
  drift: DriftMeasurement[];
}

export function formatReport(report: ValidationReport): string {
  const { blocking, warnings, drift } = report;
  const counts = `${blocking.length} blocking, ${warnings.length} warning${warnings.length === 1 ? '' : 's'}`;
  const driftNote = drift.length === 0 ? 'no previous month to compare with' : `drift measured on ${drift.length} features`;
  const lines = [`Data validation ${report.passed ? 'passed' : 'FAILED'}: ${counts}; ${driftNote}.`];
  if (blocking.length > 0) lines.push('Blocking:', ...blocking.map((a) => `  - ${a.message}`));
  if (warnings.length > 0) lines.push('Warnings:', ...warnings.map((a) => `  - ${a.message}`));
  return lines.join('\n');
}
