// The pipeline's own metrics, emitted by the workflows through the worker's Temporal runtime (so they
// reach the same Prometheus exporter as the SDK's; skipped on replay): rows by outcome, seconds per
// stage, holdout AUC of candidate, champion and baseline. Tagged by month: a handful of series a month.
import { metricMeter } from '@temporalio/workflow';
import type { EvaluationSummary } from '../activities/evaluate';

export function recordIngestRows(month: string, counts: { accepted: number; quarantineReasons: Record<string, number> }): void {
  const rows = metricMeter.createCounter('adclick_ingest_rows', 'rows', "CSV records a month's ingest read, by outcome and quarantine reason");
  rows.add(counts.accepted, { month, outcome: 'accepted', reason: '' });
  for (const [reason, count] of Object.entries(counts.quarantineReasons)) rows.add(count, { month, outcome: 'quarantined', reason });
}

export function recordStageSeconds(month: string, stage: string, seconds: number, reused: boolean): void {
  metricMeter
    .createHistogram('adclick_stage_seconds', 'float', 's', 'Wall time of a pipeline stage (reused: its earlier result was taken)')
    .record(seconds, { month, stage, reused: String(reused) });
}

export function recordHoldoutAuc(month: string, evaluation: EvaluationSummary): void {
  const auc = metricMeter.createGauge('adclick_holdout_auc', 'float', '', "AUC on the month's evaluation holdout, by model");
  auc.set(evaluation.candidate.auc, { month, model: 'candidate' });
  if (evaluation.champion) auc.set(evaluation.champion.auc, { month, model: 'champion' });
  if (evaluation.baseline) auc.set(evaluation.baseline.auc, { month, model: 'baseline' });
}
