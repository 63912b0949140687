// Feedback from production: how each model version that served this month's impressions did on their
// actual clicks. The prediction log of the month's days is joined to the month's examples by impression
// id (core/feedback/partitioned-join.ts, bounded memory) and scored with the evaluation's metrics.
import { log } from '@temporalio/activity';
import { computeMetrics, type Metrics } from '../core/evaluation/metrics';
import { monthLogDays } from '../core/feedback/log-entry';
import { listPredictionLogShards } from '../core/feedback/log-shards';
import { partitionCount } from '../core/feedback/partition-writers';
import { partitionedJoin, type JoinCounts } from '../core/feedback/partitioned-join';
import { monthRange } from '../core/features/month';
import { monthData, type MonthData } from '../core/pipeline/examples';
import { monthArtifacts } from '../core/pipeline/layout';
import type { FeedbackSettings } from '../core/pipeline/settings';
import { putJson, type BlobStore } from '../core/storage/blob-store';
import { throttledHeartbeat } from '../core/temporal/heartbeats';

export interface FeedbackInput {
  month: string;
  settings: FeedbackSettings;
  /** What ingest wrote (runs whose ingest did not name it: found by listing). */
  ingested?: MonthData;
}

export interface ServedModelScore {
  modelVersion: number;
  count: number;
  positives: number;
  auc: number;
  logLoss: number;
  /** Mean predicted / observed click rate: 1 is calibrated. */
  calibration: number;
  meanPredicted: number;
  observedRate: number;
}

export interface FeedbackSummary {
  outcome: 'no predictions logged' | 'measured';
  logDays: { from: string; to: string };
  logShards: number;
  partitions: number;
  counts?: JoinCounts;
  /** By model version, ascending. */
  models: ServedModelScore[];
  /** Readable: a served model's calibration outside the tolerated ratio, or a log that matched nothing. */
  warnings: string[];
  reportKey?: string;
}

export function createFeedbackActivities(deps: { store: BlobStore }) {
  const { store } = deps;
  return {
    async measureProductionFeedback(input: FeedbackInput): Promise<FeedbackSummary> {
      const { month, settings } = input;
      const logDays = settings.logDays ?? monthLogDays(monthRange(month), settings.marginDays);
      const shards = await listPredictionLogShards(store, logDays);
      if (shards.length === 0) {
        log.info('no predictions logged', { month, logDays });
        return { outcome: 'no predictions logged', logDays, logShards: 0, partitions: 0, models: [], warnings: [] };
      }
      const { examples } = await monthData(store, month, input.ingested);
      const exampleBytes = (await Promise.all(examples.map((key) => store.stat(key)))).reduce((sum, info) => sum + (info?.size ?? 0), 0);
      const partitions = partitionCount(exampleBytes + shards.reduce((sum, shard) => sum + shard.size, 0), settings.partitionBytes);

      const byVersion = new Map<number, { labels: number[]; probabilities: number[] }>();
      const beat = throttledHeartbeat();
      const keys = monthArtifacts(month);
      const counts = await partitionedJoin(
        { store, predictionShards: shards.map((shard) => shard.key), exampleShards: examples, partitions, workPrefix: keys.feedbackWork, progress: beat },
        ({ modelVersion, probability, label }) => {
          let scored = byVersion.get(modelVersion);
          if (!scored) byVersion.set(modelVersion, (scored = { labels: [], probabilities: [] }));
          scored.labels.push(label);
          scored.probabilities.push(probability);
        },
      );

      const metrics = [...byVersion.entries()]
        .sort(([a], [b]) => a - b)
        .map(([modelVersion, scored]) => ({ modelVersion, ...computeMetrics(scored.labels, scored.probabilities) }));
      const warnings = [
        ...(counts.unreadableShards > 0 ? [`${counts.unreadableShards} prediction-log shards could not be read to the end (damaged gzip or JSON)`] : []),
        ...(counts.joined === 0 ? [`${counts.predictions} predictions logged on ${logDays.from}..${logDays.to}, none of an impression in ${month}`] : []),
        ...metrics.flatMap((m) => calibrationWarning(m, settings.maxCalibrationRatio) ?? []),
      ];
      await putJson(store, keys.feedback, { month, logDays, logShards: shards.length, partitions, counts, models: metrics, warnings });
      const models = metrics.map(score);
      log.info('production feedback measured', { month, partitions, ...counts, models });
      return { outcome: 'measured', logDays, logShards: shards.length, partitions, counts, models, warnings, reportKey: keys.feedback };
    },
  };
}

const score = (m: Metrics & { modelVersion: number }): ServedModelScore => ({
  modelVersion: m.modelVersion,
  count: m.count,
  positives: m.positives,
  auc: m.auc,
  logLoss: m.logLoss,
  calibration: m.calibration,
  meanPredicted: m.meanPredicted,
  observedRate: m.observedRate,
});

function calibrationWarning(m: Metrics & { modelVersion: number }, maxRatio: number): string | undefined {
  const rates = `mean predicted ${m.meanPredicted.toFixed(4)}, observed ${m.observedRate.toFixed(4)} over ${m.count} impressions`;
  if (m.positives === 0) return `v${m.modelVersion} in production: no clicks among its impressions, calibration unknown (${rates})`;
  if (m.calibration >= 1 / maxRatio && m.calibration <= maxRatio) return undefined;
  const tolerated = `[${(1 / maxRatio).toFixed(3)}, ${maxRatio}]`;
  return `v${m.modelVersion} in production is miscalibrated: predicted / observed = ${m.calibration.toFixed(3)}, outside ${tolerated} (${rates})`;
}
