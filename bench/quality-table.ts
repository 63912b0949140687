// The model-quality results as a Markdown table (AUC, log loss, calibration of oracle, logistic
// regression and the served model, per set), plus one line per run with its times and checks.
import type { QualityRun } from './quality-run';

const f4 = (x: number) => (Number.isFinite(x) ? x.toFixed(4) : 'n/a');
const f3 = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : 'n/a');
const signed = (x: number) => `${x >= 0 ? '+' : ''}${x.toFixed(4)}`;

const HEADER = [
  'generator',
  'rows/month',
  'set',
  'rows',
  'clicks',
  'AUC oracle',
  'AUC LR',
  'AUC model',
  'model − LR',
  'log loss oracle',
  'log loss LR',
  'log loss model',
  'calib. oracle',
  'calib. LR',
  'calib. model',
];

export function qualityTable(runs: QualityRun[]): string {
  const lines = [`| ${HEADER.join(' | ')} |`, `|${HEADER.map(() => ' --- ').join('|')}|`];
  for (const run of runs) {
    for (const set of run.sets) {
      const { oracle, logistic, model } = set;
      lines.push(
        `| ${[
          run.generator,
          run.impressions,
          set.name,
          set.rows,
          set.clicks,
          f4(oracle.auc),
          f4(logistic.auc),
          f4(model.auc),
          signed(model.auc - logistic.auc),
          f4(oracle.logLoss),
          f4(logistic.logLoss),
          f4(model.logLoss),
          f3(oracle.calibration),
          f3(logistic.calibration),
          f3(model.calibration),
        ].join(' | ')} |`,
      );
    }
  }
  return lines.join('\n');
}

export function runNotes(runs: QualityRun[]): string {
  return runs
    .map((run) => {
      const { seconds: s } = run;
      const served = run.sets.find((set) => set.name.startsWith('holdout'))?.model.auc ?? NaN;
      return (
        `- ${run.generator} ${run.impressions}: whole run ${s.whole.toFixed(0)} s (generate 2 months ${s.generate.toFixed(1)} s, ` +
        `pipeline ${s.pipeline.toFixed(1)} s, baseline + scoring through the API ${s.score.toFixed(1)} s); ${run.newAds} new ads next month; ` +
        `pipeline's own holdout AUC ${f4(run.pipelineAuc)} (served ${f4(served)}); candidate ${run.blessing}`
      );
    })
    .join('\n');
}
