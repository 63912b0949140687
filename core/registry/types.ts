// The shapes the registry writes to the bucket, validated on every read (people can edit buckets).
import { z } from 'zod';
import { MONTH_PATTERN } from '../features/month';

const versionNumber = z.number().int().positive();
const isoTime = z.iso.datetime({ offset: true });

/** A relative path inside a version, e.g. model.json or weights/group1-shard1of1.bin. */
export const fileNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-][A-Za-z0-9._-]*(\/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$/, 'file names are relative paths of letters, digits, . _ - (no leading dots)');

export const versionMetadataSchema = z.object({
  /** The month of data the model was trained on, YYYY-MM. */
  dataMonth: z.string().regex(MONTH_PATTERN, 'dataMonth is YYYY-MM'),
  specName: z.string().min(1),
  /** Free-form evaluation results (AUC, log loss, per-slice numbers…). */
  metrics: z.record(z.string(), z.unknown()),
  codeVersion: z.string().min(1),
  /** Where the model came from; the named fields are conventions, anything else may be added. */
  lineage: z.looseObject({
    workflowId: z.string().optional(),
    runId: z.string().optional(),
    /** Artifact name → URI, e.g. { dataset: 'gs://bucket/raw/2026-10/' }. */
    artifacts: z.record(z.string(), z.string()).optional(),
    parentVersion: versionNumber.nullable().optional(),
    /** The champion this candidate was evaluated against. */
    comparedAgainst: versionNumber.nullable().optional(),
  }),
  /** Defaults to now; workflows pass their own time to stay deterministic. */
  createdAt: isoTime.default(() => new Date().toISOString()),
});

/** An artifact already in the bucket, to be copied into a version under `name`. */
export const sourceFileSchema = z.object({ name: fileNameSchema, sourceKey: z.string().min(1) });
const storedFile = sourceFileSchema.extend({ size: z.number().int().nonnegative(), sha256: z.string().regex(/^[0-9a-f]{64}$/) });

const recordBase = z.object({
  version: versionNumber,
  metadata: versionMetadataSchema,
  idempotencyKey: z.string().optional(),
  rejection: z.object({ reasons: z.array(z.string()).min(1), at: isoTime, actor: z.string() }).optional(),
});

/** Claims a number while files are copied; readers treat it as not there. */
const registeringRecord = recordBase.extend({ status: z.literal('registering'), files: z.array(sourceFileSchema) });
const publishedRecord = recordBase.extend({
  status: z.enum(['candidate', 'champion', 'retired', 'rejected']),
  files: z.array(storedFile),
});
export const versionRecordSchema = z.union([registeringRecord, publishedRecord]);

/** Which version a registration's idempotency key produced. */
export const idempotencyPointerSchema = z.object({ idempotencyKey: z.string(), version: versionNumber });

export const championAliasSchema = z.object({
  version: versionNumber,
  since: isoTime,
  reason: z.string(),
  previous: versionNumber.nullable(),
  /** Counts alias changes, so history orders promotions even if their entries were appended out of order. */
  revision: z.number().int().positive(),
  actor: z.string(),
});

export const historyEntrySchema = z.object({
  sequence: z.number().int().positive(),
  at: isoTime,
  event: z.enum(['registered', 'rejected', 'promoted', 'rolled-back']),
  version: versionNumber,
  previousChampion: versionNumber.nullable(),
  reason: z.string(),
  actor: z.string(),
  /** The champion alias revision this entry records (promotions and rollbacks only). */
  revision: z.number().int().positive().optional(),
});

export type VersionMetadataInput = z.input<typeof versionMetadataSchema>;
export type VersionMetadata = z.infer<typeof versionMetadataSchema>;
export type VersionRecord = z.infer<typeof versionRecordSchema>;
export type VersionStatus = VersionRecord['status'];
export type RegisteringRecord = z.infer<typeof registeringRecord>;
/** A registered version as readers see it: never one still registering. */
export type ModelVersion = z.infer<typeof publishedRecord>;
export type StoredFile = ModelVersion['files'][number];
export type ChampionAlias = z.infer<typeof championAliasSchema>;
/** The champion alias plus its object generation: stat the alias key and compare to detect a change. */
export type Champion = ChampionAlias & { generation: string };
export type HistoryEntry = z.infer<typeof historyEntrySchema>;
export type HistoryEvent = HistoryEntry['event'];

export interface RegisterInput {
  /** Artifacts already in the bucket, copied into the version under their name. */
  files: { name: string; sourceKey: string }[];
  metadata: VersionMetadataInput;
  /** Registering again with the same key (e.g. `<workflowId>/<month>`) returns the first version. */
  idempotencyKey?: string;
  actor?: string;
}

export interface PromoteOptions {
  reason: string;
  /** The champion the caller decided against (null: none); if it changed meanwhile, the promotion is refused. */
  expectedCurrent?: number | null;
  /** Refuse, rather than succeed without change, when the version is already champion but expectedCurrent
   *  names another: an API caller must learn that someone else's promotion won. (A retried activity
   *  leaves this off, so its own earlier success is not an error.) */
  requireChange?: boolean;
  /** Allows promoting a rejected version: a manual rollback by an engineer. */
  force?: boolean;
  actor?: string;
  at?: Date;
}

export interface RejectOptions {
  actor?: string;
  at?: Date;
}
