// Everything one run report shows, as read from the month's artifacts. Each part is optional: a report
// says what is missing rather than failing (an older run, a month with no champion or no feedback).
import type { EvaluationFile } from '../evaluation/evaluation-file';
import type { Metrics } from '../evaluation/metrics';
import type { JoinCounts } from '../feedback/partitioned-join';
import type { EpochRecord } from '../model/train-loop';
import type { QuarantineEntry } from '../pipeline/quarantine';
import type { FeatureStatistics, ValidationReport } from '../validation';

export interface TrainingHistory {
  /** "trial 0", "baseline", … */
  name: string;
  bestEpoch: number;
  history: EpochRecord[];
}

export interface QuarantineKind {
  kind: string;
  count: number;
  /** The first few entries of this kind, in file order. */
  examples: QuarantineEntry[];
}

export interface QuarantineSample {
  files: number;
  /** Entries read; all of them unless the read stopped at its bound. */
  entries: number;
  complete: boolean;
  /** By count, largest first. */
  kinds: QuarantineKind[];
}

export type ValidationFile = ValidationReport & { month: string; schemaVersion: number; comparedWith: string | null };

export interface FeedbackFile {
  month: string;
  logDays: { from: string; to: string };
  logShards: number;
  counts: JoinCounts;
  models: (Metrics & { modelVersion: number })[];
  warnings: string[];
}

export interface PromotionOutcome {
  version: number;
  outcome: 'promoted' | 'rejected' | 'kept';
  reasons: string[];
  previousChampion: number | null;
}

export interface RunReportInputs {
  month: string;
  generatedAt: string;
  /** Where the run's files are, e.g. gs://bucket/artifacts/2026-10/. */
  artifactsUrl: string;
  decision?: PromotionOutcome;
  evaluation?: EvaluationFile;
  trainings: TrainingHistory[];
  statistics?: FeatureStatistics;
  validation?: ValidationFile;
  quarantine: QuarantineSample;
  feedback?: FeedbackFile;
}
