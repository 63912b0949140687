// Everything a monthly run needs to know, resolved from config when the run is started and passed
// as its input: the Temporal UI shows exactly what a run used, and replays never re-read config.
import type { BlessingRules } from '../evaluation/blessing';
import type { TrainOptions } from '../model/train-loop';
import type { Config } from '../config';
import type { ValidationThresholds } from '../validation/thresholds';

export interface IngestSettings {
  /** CSVs larger than splitBytes are cut into parts of about rowsPerPart lines before ingest. */
  splitBytes: number;
  rowsPerPart: number;
  /** A longer record is quarantined (settings frozen before this existed use the default). */
  maxRecordBytes?: number;
  /** CSV bytes per hash shard of ids when looking for duplicate ids across the month. */
  idShardBytes?: number;
  /** Distinct images per image part (one activity, one pixel shard); settings frozen before parts use 4096. */
  imagesPerPart?: number;
}

export interface FeedbackSettings {
  /** A served model whose mean predicted / observed click rate is outside [1/ratio, ratio] is warned about. */
  maxCalibrationRatio: number;
  /** Prediction-log days read besides the month's own: predictions served just before or after it. */
  marginDays: number;
  /** Gzipped bytes of log and examples per join partition. */
  partitionBytes: number;
  /** Read these log days (YYYY-MM-DD, inclusive) instead of the month's (a backfill, or a test). */
  logDays?: { from: string; to: string };
}

/** Settings frozen before production feedback existed use these. */
export const defaultFeedbackSettings: FeedbackSettings = { maxCalibrationRatio: 1.2, marginDays: 1, partitionBytes: 32 * 1024 * 1024 };

export interface PipelineSettings {
  trainingTaskQueue: string;
  ingest?: IngestSettings;
  /** The month's last days, held out for evaluation only. */
  holdoutDays: number;
  /** The days before the holdout: early stopping, picking a tuning trial, calibration. (Absent in
   *  settings frozen in an older Schedule: the workflow then uses 4.) */
  validationDays?: number;
  training: TrainOptions;
  /** Tuning trials of the click model (1, or absent: only the configured options). */
  tuningTrials?: number;
  /** A training attempt that stays silent this long is retried (resuming from its checkpoint). */
  trainingHeartbeatTimeoutSeconds: number;
  blessing: BlessingRules;
  /** How served models did on the month's clicks (settings frozen before it existed: the defaults). */
  feedback?: FeedbackSettings;
  validation: ValidationThresholds;
  /** Code version recorded in the registry's lineage. */
  codeVersion: string;
}

export function pipelineSettings(config: Config, codeVersion: string): PipelineSettings {
  return {
    trainingTaskQueue: config.TRAINING_TASK_QUEUE,
    ingest: {
      splitBytes: config.INGEST_SPLIT_BYTES,
      rowsPerPart: config.INGEST_ROWS_PER_PART,
      maxRecordBytes: config.INGEST_MAX_RECORD_BYTES,
      idShardBytes: config.INGEST_ID_SHARD_BYTES,
      imagesPerPart: config.INGEST_IMAGES_PER_PART,
    },
    holdoutDays: config.HOLDOUT_DAYS,
    validationDays: config.VALIDATION_DAYS,
    tuningTrials: config.TUNE_TRIALS,
    training: {
      maxEpochs: config.TRAIN_MAX_EPOCHS,
      patience: config.TRAIN_PATIENCE,
      batchSize: config.TRAIN_BATCH_SIZE,
      learningRate: config.TRAIN_LEARNING_RATE,
      embeddingL2: config.TRAIN_EMBEDDING_L2,
      idDropout: config.TRAIN_ID_DROPOUT,
      linear: { learningRate: config.TRAIN_LINEAR_LEARNING_RATE, l2: config.TRAIN_LINEAR_L2 },
      seed: config.TRAIN_SEED,
    },
    trainingHeartbeatTimeoutSeconds: config.TRAIN_HEARTBEAT_TIMEOUT_SECONDS,
    blessing: {
      minAuc: config.BLESS_MIN_AUC,
      maxLogLoss: config.BLESS_MAX_LOG_LOSS,
      maxCalibrationError: config.BLESS_MAX_CALIBRATION_ERROR,
      maxAucDrop: config.BLESS_MAX_AUC_DROP,
      maxLogLossIncrease: config.BLESS_MAX_LOG_LOSS_INCREASE,
      maxBaselineGap: config.BLESS_MAX_BASELINE_GAP,
    },
    feedback: {
      maxCalibrationRatio: config.FEEDBACK_MAX_CALIBRATION_RATIO,
      marginDays: config.FEEDBACK_LOG_MARGIN_DAYS,
      partitionBytes: config.FEEDBACK_PARTITION_BYTES,
    },
    validation: config.validation,
    codeVersion,
  };
}
