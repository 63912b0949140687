// Batch scoring (TFX BulkInferrer): a folder's CSVs scored with one registered model version, part by
// part. Rows are read and judged by ingest's reader (a bad row is quarantined with its reason, never
// dropped) and scored through serving's model in batches, so a score equals POST /v1/predict's for the
// same row. A part whose outputs are whole is never scored again.
import { ApplicationFailure, log } from '@temporalio/activity';
import { batchScoreKeys, PART_OUTPUT } from '../core/batch-score/layout';
import { ScoringModels } from '../core/batch-score/scoring-models';
import { boundError } from '../core/bounded-text';
import { csvLine } from '../core/datagen/csv-row';
import { readCsvRowBatches } from '../core/features/csv-rows';
import type { Example } from '../core/features/example';
import { scoringRules, UnreadableHeaderError } from '../core/features/row-judge';
import { columnsOf, parseFeatureSpec } from '../core/features/spec';
import { isCsvKey } from '../core/pipeline/layout';
import { quarantineEntry, reasonKind } from '../core/pipeline/quarantine';
import { ModelRegistry } from '../core/registry/model-registry';
import type { ServingModel } from '../core/serving/serving-model';
import { getJson, getJsonIfExists, listAll, putJson, type BlobStore } from '../core/storage/blob-store';
import { CsvRecordReader, DEFAULT_MAX_RECORD_BYTES } from '../core/storage/csv-record-reader';
import { isCorruptGzip, JsonLinesWriter, readMaybeGzipped, StreamingWriter } from '../core/storage/lines';
import { onEachChunk, throttledHeartbeat } from '../core/temporal/heartbeats';
import { cutCsvIntoParts, type CsvPart } from './split-csv';

/** Rows per forward pass (BATCH_SCORE_ROWS): a batch's examples and tensors are all a part holds in memory. */
const DEFAULT_SCORE_BATCH_ROWS = 2048;
// Decoded images kept per loaded model, as serving keeps. A batch waits far longer for an image than a
// request does, but less than the heartbeat timeout: past it the row is scored without, with a counted warning.
const IMAGE_CACHE = 2048;
const IMAGE_WAIT_MS = 20_000;

export interface ScoredFile {
  key: string;
  size: number;
  /** A part scored from another generation of its file is scored again. */
  generation: string;
}

export interface ScorePartInput {
  prefix: string;
  version: number;
  /** The CSV to read: the source itself, or a part cut from it. */
  file: string;
  source: string;
  sourceGeneration: string;
  part: number;
  /** Source line of the part's first row, and of the next part's (null: to the end). */
  firstLine: number;
  nextFirstLine: number | null;
  maxRecordBytes?: number;
  batchRows?: number;
}

export interface PartScore {
  source: string;
  part: number;
  /** Which rows of which generation of the source these outputs hold. */
  identity: string;
  rows: number;
  scored: number;
  quarantined: number;
  /** Quarantine counts by kind of reason. */
  reasons: Record<string, number>;
  /** Rows scored with a warning (e.g. without their image), by kind. */
  warnings: Record<string, number>;
  predictions: string;
  quarantine: string;
  /** True when an earlier attempt or run had written this part whole. */
  reused: boolean;
}

export interface BatchScoreSummary {
  prefix: string;
  version: number;
  output: string;
  files: number;
  parts: number;
  partsReused: number;
  rows: number;
  scored: number;
  quarantined: number;
  quarantineReasons: Record<string, number>;
  warnings: Record<string, number>;
  summaryKey: string;
}

export function createBatchScoreActivities(deps: { store: BlobStore }) {
  const { store } = deps;
  const registry = new ModelRegistry(store);
  const models = new ScoringModels(store, registry, {
    imageCacheSize: IMAGE_CACHE,
    imageDeadlineMs: IMAGE_WAIT_MS,
    // Parts bring their rows in passes of BATCH_SCORE_ROWS already: no window to wait out.
    batching: { windowMs: 0, maxRows: 65_536 },
  });
  const specOf = async (version: number) => parseFeatureSpec(await getJson(store, registry.fileKey(version, 'spec.json')));

  return {
    /** The version must be registered and the folder must hold CSVs; neither failure is retryable. */
    async planBatchScore(input: { prefix: string; version: number }): Promise<ScoredFile[]> {
      if (!(await registry.get(input.version)))
        throw ApplicationFailure.nonRetryable(`model version v${input.version} is not in the registry`, 'UnknownVersion');
      const files = (await listAll(store, input.prefix)).filter((b) => isCsvKey(b.key));
      if (files.length === 0) throw ApplicationFailure.nonRetryable(`No CSV files under ${store.url}/${input.prefix}`, 'NoData');
      log.info('batch score planned', { prefix: input.prefix, version: input.version, files: files.length });
      return files.map(({ key, size, generation }) => ({ key, size, generation }));
    },

    async splitForScoring(input: { prefix: string; version: number; file: string; rowsPerPart: number; maxRecordBytes?: number }): Promise<CsvPart[]> {
      const keys = batchScoreKeys(input.prefix, input.version);
      const spec = await specOf(input.version);
      return failReadably(input.file, () =>
        cutCsvIntoParts(store, { ...input, spec, rules: scoringRules(input.prefix), partKey: (part) => keys.splitPart(input.file, part) }),
      );
    },

    async scorePart(input: ScorePartInput): Promise<PartScore> {
      const keys = batchScoreKeys(input.prefix, input.version).part(input.source, input.part);
      const identity = `${input.source}#${input.sourceGeneration}:${input.firstLine}-${input.nextFirstLine ?? 'end'}`;
      const done = await getJsonIfExists<PartScore>(store, keys.counts);
      const outputs = await Promise.all([store.stat(keys.predictions), store.stat(keys.quarantine)]);
      if (done?.identity === identity && outputs.every(Boolean)) return { ...done, reused: true };
      return failReadably(input.source, () => models.use(input.version, (model) => scoreOnePart(store, model, input, keys, identity)));
    },

    /** Writes the summary beside the parts, and removes the split copies and outputs of parts of these files this run did not have. */
    async finishBatchScore(input: { prefix: string; version: number; files: number; parts: PartScore[] }): Promise<BatchScoreSummary> {
      const keys = batchScoreKeys(input.prefix, input.version);
      const current = new Set(input.parts.flatMap((part) => Object.values(keys.part(part.source, part.part))));
      const stale = (await listAll(store, keys.splitPrefix)).map((blob) => blob.key);
      for (const dir of new Set(input.parts.map((part) => keys.partDir(part.source))))
        for (const { key } of await listAll(store, dir)) if (PART_OUTPUT.test(key.slice(dir.length)) && !current.has(key)) stale.push(key);
      for (const key of stale) await store.delete(key);
      const sum = (pick: (part: PartScore) => number) => input.parts.reduce((total, part) => total + pick(part), 0);
      const summary: BatchScoreSummary = {
        prefix: input.prefix,
        version: input.version,
        output: keys.root,
        files: input.files,
        parts: input.parts.length,
        partsReused: input.parts.filter((part) => part.reused).length,
        rows: sum((part) => part.rows),
        scored: sum((part) => part.scored),
        quarantined: sum((part) => part.quarantined),
        quarantineReasons: addCounts(input.parts.map((part) => part.reasons)),
        warnings: addCounts(input.parts.map((part) => part.warnings)),
        summaryKey: keys.summary,
      };
      await putJson(store, keys.summary, {
        ...summary,
        partKeys: input.parts.map(({ source, part, predictions, quarantine }) => ({ source, part, predictions, quarantine })),
      });
      log.info('batch score finished', { ...summary, quarantineReasons: undefined, warnings: undefined, removed: stale.length });
      return summary;
    },
  };
}

type PartKeys = ReturnType<ReturnType<typeof batchScoreKeys>['part']>;
async function scoreOnePart(store: BlobStore, model: ServingModel, input: ScorePartInput, keys: PartKeys, identity: string): Promise<PartScore> {
  const batchRows = input.batchRows ?? DEFAULT_SCORE_BATCH_ROWS;
  const maxRecordBytes = input.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
  // Lines count from this file's header (line 1); a part's first data line is firstLine in its source.
  const sourceLine = (line: number) => line - 2 + input.firstLine;
  const idColumn = columnsOf(model.spec, 'id')[0]?.name ?? 'id';
  const result: PartScore = {
    source: input.source,
    part: input.part,
    identity,
    rows: 0,
    scored: 0,
    quarantined: 0,
    reasons: {},
    warnings: {},
    predictions: keys.predictions,
    quarantine: keys.quarantine,
    reused: false,
  };
  const predictions = new StreamingWriter(store, keys.predictions, 'text/csv');
  const quarantine = new JsonLinesWriter(store, keys.quarantine);
  let batch: { example: Example; line: number }[] = [];
  const beat = throttledHeartbeat();
  let reader: CsvRecordReader | undefined;
  const progress = () => ({ bytesRead: reader?.bytesRead ?? 0, rows: result.rows, scored: result.scored });

  const scoreBatch = async () => {
    // Cancellation is honoured between forward passes (beat throws once cancelled); the writers are aborted below.
    beat(progress());
    const scored = await model.scoreExamples(batch.map((row) => row.example));
    let text = '';
    scored.forEach((prediction, i) => {
      const { example, line } = batch[i]!;
      text += csvLine([example.id ?? '', line, prediction.clickProbability, model.version]);
      for (const warning of prediction.warnings ?? []) count(result.warnings, warningKind(warning));
    });
    result.scored += batch.length;
    batch = [];
    await predictions.write(text);
  };

  try {
    await predictions.write(csvLine([idColumn, 'line', 'click_probability', 'model_version']));
    // Opened only now: the read stream's errors must reach the loop that consumes it.
    reader = new CsvRecordReader(
      onEachChunk(readMaybeGzipped(store, input.file), () => beat(progress())),
      maxRecordBytes,
    );
    for await (const rows of readCsvRowBatches(reader, { spec: model.spec, rules: scoringRules(input.prefix), file: input.source, maxRecordBytes })) {
      for (const row of rows) {
        result.rows += 1;
        if (row.ok) {
          batch.push({ example: row.example, line: sourceLine(row.line) });
          if (batch.length >= batchRows) await scoreBatch();
        } else {
          result.quarantined += 1;
          count(result.reasons, reasonKind(row.reason));
          await quarantine.write(quarantineEntry(input.source, sourceLine(row.line), row.reason, row.raw));
        }
      }
    }
    if (batch.length > 0) await scoreBatch();
  } catch (error) {
    // Nothing half-written is published: the part is scored whole by its next attempt.
    await Promise.all([predictions.abort(error as Error), quarantine.abort(error as Error)]);
    throw error;
  }
  await Promise.all([predictions.close(), quarantine.close()]);
  // Written last: its presence says the part's outputs are whole ('reused' is the reader's to say).
  await putJson(store, keys.counts, { ...result, reused: undefined });
  log.info('part scored', { source: input.source, part: input.part, rows: result.rows, scored: result.scored, quarantined: result.quarantined });
  return result;
}

async function failReadably<T>(file: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof UnreadableHeaderError) throw ApplicationFailure.nonRetryable(error.message, 'UnreadableHeader');
    if (isCorruptGzip(error)) throw ApplicationFailure.nonRetryable(`${file} is not whole gzip: ${error.message}`, 'UnreadableFile');
    throw boundError(error);
  }
}

/** "image raw/2026-10/images/ad-7.png was not found; …" → "image was not found; …". */
const warningKind = (warning: string) =>
  warning
    .replace(/^image \S+ /, 'image ')
    .replace(/\(.*\)/, '')
    .trim();

function count(counts: Record<string, number>, kind: string): void {
  counts[kind] = (counts[kind] ?? 0) + 1;
}

function addCounts(all: Record<string, number>[]): Record<string, number> {
  const total: Record<string, number> = {};
  for (const counts of all) for (const [kind, n] of Object.entries(counts)) total[kind] = (total[kind] ?? 0) + n;
  return total;
}
