// The monthly cycle: ingest → validate → transform → train (training queue) → evaluate → feedback → promote.
// Each stage passes references (bucket keys, version numbers), never data.
import {
  defineQuery,
  executeChild,
  isCancellation,
  patched,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { createTrainingActivities } from '../activities';
import { defaultFeedbackSettings, type PipelineSettings } from '../core/pipeline/settings';
import type { TrainResult } from '../activities/train';
import type { FeedbackSummary } from '../activities/feedback';
import type { RunReportInput, RunReportResult } from '../activities/report';
import { monthArtifacts } from '../core/pipeline/layout';
import type { TrainOptions } from '../core/model/train-loop';
import { bestTrial, tuningTrials } from '../core/model/tuning';
import type { MonthData } from '../core/pipeline/examples';
import { AdMonth, ModelVersion, PipelineStage } from '../core/temporal/search-attributes';
import { fnv1a } from '../core/features/hash';
import { monthBefore } from '../core/features/month';
import { data, type PipelineActivities } from './data-activities';
import { ingestMonth, ingestSteps } from './ingest-month';
import { recordHoldoutAuc, recordStageSeconds } from './pipeline-metrics';

type TrainingActivities = ReturnType<typeof createTrainingActivities>;

export const STAGES = ['ingest', 'validate', 'transform', 'train', 'evaluate', 'feedback', 'promote'] as const;
export type Stage = (typeof STAGES)[number];

export interface MonthlyPipelineInput {
  /** 'YYYY-MM'; when left out, the month before the run started. */
  month?: string;
  settings: PipelineSettings;
  /** Redo every stage even if an earlier run of this month, with the same settings, finished it. */
  force?: boolean;
  /** Where the API listens (e.g. http://127.0.0.1:8080), for a link to the run report in the run's details. */
  apiUrl?: string;
}

export interface PipelineProgress {
  month: string;
  stage: Stage | 'done';
  completed: Stage[];
  /** Stages an earlier run of this month had finished, taken from the bucket instead of redone. */
  reused: Stage[];
  summary: Record<string, unknown>;
  /** Wall time of each stage, by workflow clock (reused stages take ~0). */
  seconds: Partial<Record<Stage, number>>;
}

export const progressQuery = defineQuery<PipelineProgress>('progress');

const bookkeeping = proxyActivities<PipelineActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumAttempts: 10 },
});

/** The run report is for people: a few tries, then the month finishes without it rather than fail. */
const reporting = proxyActivities<PipelineActivities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumAttempts: 3 },
});

export async function monthlyPipeline(input: MonthlyPipelineInput): Promise<PipelineProgress> {
  const info = workflowInfo();
  const month = input.month ?? monthBefore(info.startTime);
  const { settings } = input;
  // Stage results of an earlier run are reused only if it ran with the same settings on the same data.
  const rawData = input.force ? 'forced' : await bookkeeping.fingerprintRawData(month);
  const settingsFingerprint = `${fnv1a(JSON.stringify(settings)).toString(16)}-${rawData}`;
  const progress: PipelineProgress = { month, stage: 'ingest', completed: [], reused: [], summary: {}, seconds: {} };
  setHandler(progressQuery, () => progress);
  upsertSearchAttributes({ [AdMonth.name]: [month] });

  const stage = async <T>(name: Stage, run: () => Promise<T>): Promise<T> => {
    progress.stage = name;
    upsertSearchAttributes({ [PipelineStage.name]: [name] });
    setCurrentDetails(describe(progress));
    const started = Date.now();
    const earlier = input.force ? null : ((await bookkeeping.readStageResult({ month, stage: name, settingsFingerprint })) as T | null);
    const result = earlier ?? (await run());
    if (earlier) progress.reused.push(name);
    else await bookkeeping.writeStageResult({ month, stage: name, result, settingsFingerprint, workflowId: info.workflowId, runId: info.runId });
    progress.completed.push(name);
    progress.summary[name] = result;
    progress.seconds[name] = (Date.now() - started) / 1000;
    recordStageSeconds(month, name, progress.seconds[name], earlier !== null);
    return result;
  };

  // Ingest runs as a child workflow: a month's many parts and id shards stay out of this history.
  // Runs started before that ran it inline, without the duplicate-id check, and must replay so.
  const ingestInput = { month, ingest: settings.ingest };
  const ingested = await stage('ingest', () =>
    patched('ingest-child-workflow')
      ? executeChild(ingestMonth, { workflowId: `${info.workflowId}-ingest`, args: [ingestInput] })
      : ingestSteps(ingestInput, { dropDuplicateIds: false }),
  );

  // What ingest wrote, by reference; runs whose ingest did not name it let each stage find it by listing.
  const monthData: MonthData | undefined = ingested.examples
    ? { examples: ingested.examples, images: ingested.images?.pixelsKey ? { indexKey: ingested.images.indexKey, pixelsKey: ingested.images.pixelsKey } : null }
    : undefined;

  const validated = await stage('validate', () =>
    data.validateMonth({ month, specKey: ingested.specKey, thresholds: settings.validation, ingested: monthData }),
  );

  const transformed = await stage('transform', () =>
    data.fitTransform({
      month,
      specKey: ingested.specKey,
      holdoutDays: settings.holdoutDays,
      validationDays: settings.validationDays ?? DEFAULT_VALIDATION_DAYS,
      ingested: monthData,
    }),
  );

  const trained = await stage('train', async () => {
    const training = proxyActivities<TrainingActivities>({
      taskQueue: settings.trainingTaskQueue,
      startToCloseTimeout: '6 hours',
      heartbeatTimeout: `${settings.trainingHeartbeatTimeoutSeconds} seconds`,
      retry: { initialInterval: '10 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes', maximumAttempts: 10 },
    });
    // Runs started before the validation split, the baseline and tuning trained one model, and replay so.
    if (!patched('validation-baseline-tuning'))
      return (await training.trainModel({ month, specKey: ingested.specKey, ...transformed, options: settings.training } as never)) as LegacyTrained;
    const common = {
      month,
      specKey: ingested.specKey,
      transformKey: transformed.transformKey,
      trainKey: transformed.trainKey,
      validationKey: transformed.validationKey,
      images: monthData?.images,
    };
    // Tuning trials and the baseline are separate activities, so several training workers share them.
    const [baseline, ...trials] = await Promise.all([
      training.trainBaseline({ ...common, options: baselineOptions(settings.training) }),
      ...tuningTrials(settings.training, settings.tuningTrials ?? 1).map((options, trial) => training.trainModel({ ...common, options, trial })),
    ]);
    const best = bestTrial(trials);
    return { ...best, baseline: describeTraining(baseline), trials: trials.map(describeTraining) } as LegacyTrained;
  });

  const evaluation = await stage('evaluate', () =>
    data.evaluateCandidate({
      month,
      specKey: ingested.specKey,
      holdoutDays: settings.holdoutDays,
      candidatePrefix: trained.modelPrefix,
      baselinePrefix: trained.baseline?.modelPrefix,
      rules: settings.blessing,
      ingested: monthData,
    }),
  );
  recordHoldoutAuc(month, evaluation);

  // How the models that served this month did on its clicks; runs started before this check skip it, and replay so.
  let feedback: FeedbackSummary | undefined;
  if (patched('production-feedback')) {
    feedback = await stage('feedback', () =>
      data.measureProductionFeedback({ month, settings: settings.feedback ?? defaultFeedbackSettings, ingested: monthData }),
    );
  }

  const decision = await stage('promote', () =>
    data.registerAndDecide({
      month,
      modelPrefix: trained.modelPrefix,
      modelFiles: trained.modelFiles,
      evaluation,
      training: {
        trial: trained.trial,
        epochs: trained.epochs,
        bestEpoch: trained.bestEpoch,
        bestValidationLoss: trained.bestValidationLoss,
        backend: trained.backend,
        resumedFromEpoch: trained.resumedFromEpoch,
        calibration: trained.calibration,
        trials: trained.trials,
      },
      codeVersion: settings.codeVersion,
      lineage: {
        workflowId: info.workflowId,
        runId: info.runId,
        specKey: ingested.specKey,
        transformKey: transformed.transformKey,
        evaluationKey: evaluation.evaluationKey,
      },
    }),
  );
  upsertSearchAttributes({ [ModelVersion.name]: [String(decision.version)] });

  // Runs started before the report existed finish without one, and replay so.
  if (patched('run-report')) {
    progress.summary.report = await writeReport({
      month,
      evaluationKey: evaluation.evaluationKey,
      statisticsKey: validated.statisticsKey,
      validationReportKey: validated.reportKey,
      trainingReports: trainingReports(month, trained),
      feedbackKey: feedback?.reportKey,
      decision,
    });
  }

  progress.stage = 'done';
  upsertSearchAttributes({ [PipelineStage.name]: ['done'] });
  setCurrentDetails(describe(progress, input.apiUrl));
  return progress;
}

const DEFAULT_VALIDATION_DAYS = 4;

/** A train stage's result, whose newer fields runs started before them lack. */
type LegacyTrained = Pick<TrainResult, 'modelPrefix' | 'epochs' | 'bestEpoch' | 'backend' | 'resumedFromEpoch'> &
  Partial<TrainResult & { baseline: ReturnType<typeof describeTraining>; trials: ReturnType<typeof describeTraining>[] }>;

/** Logistic regression trains like the linear phase of the click model: same rate, same L2, no id dropout. */
function baselineOptions(options: TrainOptions): TrainOptions {
  const linear = options.linear ?? { learningRate: 0.01, l2: 0.0001 };
  return { ...options, learningRate: linear.learningRate, embeddingL2: linear.l2, idDropout: 0, linear: undefined, shape: undefined };
}

/** What the run's result keeps of each training: small, for the Temporal UI. */
function describeTraining(result: TrainResult) {
  const { trial, modelPrefix, bestValidationLoss, bestEpoch, epochs, options } = result;
  return {
    trial,
    modelPrefix,
    bestValidationLoss,
    bestEpoch,
    epochs,
    learningRate: options.learningRate,
    embeddingL2: options.embeddingL2,
    shape: options.shape ?? null,
  };
}

/** A report that cannot be written after its retries is noted in the result; the month's work stands. */
async function writeReport(input: RunReportInput): Promise<RunReportResult | { failed: string }> {
  try {
    return await reporting.writeRunReport(input);
  } catch (error) {
    if (isCancellation(error)) throw error;
    return { failed: error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error) };
  }
}

/** Each training's report.json: the tuning trials and the baseline, or the one model of runs before them. */
function trainingReports(month: string, trained: LegacyTrained): RunReportInput['trainingReports'] {
  const keys = monthArtifacts(month);
  if (!trained.trials) return trained.reportKey ? [{ name: 'model', key: trained.reportKey }] : [];
  return [
    ...trained.trials.map((t) => ({ name: `trial ${t.trial}${t.trial === trained.trial ? ' (picked)' : ''}`, key: keys.training(t.trial).report })),
    ...(trained.baseline ? [{ name: 'logistic-regression baseline', key: keys.training('baseline').report }] : []),
  ];
}

function describe(progress: PipelineProgress, apiUrl?: string): string {
  const mark = (s: Stage) => (progress.completed.includes(s) ? '✅' : progress.stage === s ? '⏳' : '▫️');
  const lines = STAGES.map((s) => `- ${mark(s)} ${s}${progress.reused.includes(s) ? ' (reused from an earlier run)' : ''}`);
  const report = progress.summary.report as Partial<RunReportResult & { failed: string }> | undefined;
  const path = `/v1/runs/${progress.month}/report`;
  const reportLine = !report
    ? []
    : report.reportKey
      ? [
          `\n**Run report**: ${apiUrl ? `[${apiUrl}${path}](${apiUrl}${path})` : `\`GET ${path}\` on the API`} (an operator token; in the bucket at ` +
            `\`${report.reportKey}\`)`,
        ]
      : [`\n**Run report** not written: ${report.failed}`];
  return [`**Month ${progress.month}**: ${progress.stage}\n`, ...lines, ...reportLine].join('\n');
}
