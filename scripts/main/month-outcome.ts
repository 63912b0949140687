// One readable line per month for the main job: promoted, kept the champion, nothing new, or failed.
import type { EvaluationSummary } from '../../activities/evaluate';
import type { FeedbackSummary } from '../../activities/feedback';
import type { PromotionDecision } from '../../activities/promote';
import type { RunReportResult } from '../../activities/report';
import type { PipelineProgress } from '../../workflows/monthly-pipeline';

export type MonthOutcome = { month: string; run: PipelineProgress } | { month: string; failure: string };

const f = (x: number | undefined) => (x === undefined ? '?' : x.toFixed(4));

export function describeOutcome(outcome: MonthOutcome, champion: number | undefined): string {
  const now = `champion now ${champion === undefined ? 'none' : `v${champion}`}`;
  if ('failure' in outcome) return `month ${outcome.month}: FAILED: ${outcome.failure}; ${now}`;
  const { run } = outcome;
  const decision = run.summary.promote as PromotionDecision | undefined;
  const evaluation = run.summary.evaluate as EvaluationSummary | undefined;
  if (!decision || !evaluation) return `month ${run.month}: ${run.stage}; ${now}`;
  const production = describeProduction(run.summary.feedback as FeedbackSummary | undefined);
  const championAuc = evaluation.champion ? `, v${evaluation.champion.version} ${f(evaluation.champion.auc)}` : '';
  const calibration = evaluation.candidate.calibration.toFixed(3);
  const scores = `AUC ${f(evaluation.candidate.auc)} (baseline ${f(evaluation.baseline?.auc)}${championAuc}), calibration ${calibration}`;
  if (run.reused.includes('promote')) {
    return `month ${run.month}: no new model (every stage reused from an earlier run, which ${decision.outcome} v${decision.version}); ${now}`;
  }
  if (decision.outcome === 'promoted') return `month ${run.month}: promoted v${decision.version}: ${scores}${production}; ${now}`;
  const verb = decision.outcome === 'rejected' ? 'rejected' : 'not promoted';
  const kept = decision.previousChampion === null ? 'no champion' : `v${decision.previousChampion}`;
  return `month ${run.month}: kept ${kept}; v${decision.version} ${verb}: ${decision.reasons.join('; ')}; ${scores}${production}; ${now}`;
}

/** How the served models did on the month's clicks, with any warning; nothing when no predictions were logged. */
function describeProduction(feedback: FeedbackSummary | undefined): string {
  if (!feedback || feedback.outcome !== 'measured') return '';
  const models = feedback.models.map((m) => `v${m.modelVersion} AUC ${f(m.auc)}, calibration ${m.calibration.toFixed(3)} over ${m.count} impressions`);
  return `; in production: ${models.join('; ') || 'nothing joined'}${feedback.warnings.length > 0 ? ` (WARNING: ${feedback.warnings.join('; ')})` : ''}`;
}

/** Why a run failed: the deepest cause's message (the activity's own, e.g. the blocking findings), bounded. */
export function failureMessage(error: unknown): string {
  let text = String(error);
  for (let e = error as { message?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e) if (e.message) text = e.message;
  return text.length > 600 ? `${text.slice(0, 600)}… (${text.length} characters)` : text;
}

/** Where to read the month's run report (GET /v1/runs/:month/report with an operator token), or why there is none. */
export function describeReport(outcome: MonthOutcome, apiUrl: string): string | undefined {
  if ('failure' in outcome) return undefined;
  const report = outcome.run.summary.report as Partial<RunReportResult & { failed: string }> | undefined;
  if (!report) return undefined;
  if (!report.reportKey) return `  run report not written: ${report.failed}`;
  return `  run report  ${apiUrl}/v1/runs/${outcome.month}/report   (operator token; ${report.reportKey} in the bucket)`;
}
