// The run report: after promote, the month's artifacts (evaluation, training histories, statistics and
// drift, quarantine, production feedback) become one self-contained HTML page at artifacts/<month>/report.html.
import { ApplicationFailure, log } from '@temporalio/activity';
import type { EvaluationFile } from '../core/evaluation/evaluation-file';
import { monthArtifacts } from '../core/pipeline/layout';
import { buildRunReport } from '../core/report/build-report';
import { sampleQuarantine } from '../core/report/quarantine-sample';
import type { FeedbackFile, PromotionOutcome, TrainingHistory, ValidationFile } from '../core/report/report-inputs';
import { getJsonIfExists, type BlobStore } from '../core/storage/blob-store';
import { throttledHeartbeat } from '../core/temporal/heartbeats';
import { parseStatistics } from '../core/validation';
import type { TrainResult } from './train';

export interface RunReportInput {
  month: string;
  evaluationKey: string;
  statisticsKey?: string;
  validationReportKey?: string;
  /** Each training's report.json, named as the report shows it. */
  trainingReports: { name: string; key: string }[];
  /** Absent when no predictions were logged for the month. */
  feedbackKey?: string;
  decision?: PromotionOutcome;
}

export interface RunReportResult {
  reportKey: string;
  bytes: number;
}

export function createReportActivities(deps: { store: BlobStore }) {
  const { store } = deps;
  return {
    async writeRunReport(input: RunReportInput): Promise<RunReportResult> {
      const keys = monthArtifacts(input.month);
      const beat = throttledHeartbeat();
      const optional = async <T>(key: string | undefined): Promise<T | undefined> => (key ? readArtifact<T>(store, key) : undefined);
      const [evaluation, statistics, validation, feedback, trainings] = await Promise.all([
        optional<EvaluationFile>(input.evaluationKey),
        optional<unknown>(input.statisticsKey).then((json) =>
          json === undefined ? undefined : unreadableUnless(input.statisticsKey!, () => parseStatistics(json)),
        ),
        optional<ValidationFile>(input.validationReportKey),
        optional<FeedbackFile>(input.feedbackKey),
        Promise.all(input.trainingReports.map(async ({ name, key }) => ({ name, report: await readArtifact<TrainResult>(store, key) }))),
      ]);
      const quarantine = await sampleQuarantine(store, keys.quarantinePrefix, (entries) => beat({ quarantineEntries: entries }));
      const html = buildRunReport({
        month: input.month,
        generatedAt: new Date().toISOString(),
        artifactsUrl: `${store.url}/${keys.root}/`,
        decision: input.decision,
        evaluation,
        trainings: trainings.flatMap(({ name, report }): TrainingHistory[] => (report ? [{ name, bestEpoch: report.bestEpoch, history: report.history }] : [])),
        statistics,
        validation,
        quarantine,
        feedback,
      });
      await store.put(keys.report, html, { contentType: 'text/html; charset=utf-8' });
      const bytes = Buffer.byteLength(html);
      log.info('run report written', { month: input.month, key: keys.report, bytes, quarantineEntries: quarantine.entries });
      return { reportKey: keys.report, bytes };
    },
  };
}

/** An artifact, or undefined when it is absent; one that is damaged fails at once (retrying will not mend it), naming it. */
async function readArtifact<T>(store: BlobStore, key: string): Promise<T | undefined> {
  return unreadableUnless(key, () => getJsonIfExists<T>(store, key));
}

async function unreadableUnless<T>(key: string, read: () => T | Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof SyntaxError || (error instanceof Error && error.message.startsWith('Invalid statistics')))
      throw ApplicationFailure.nonRetryable(`${key} is unreadable: ${error.message}`, 'UnreadableArtifact');
    throw error;
  }
}
