// The ingest stage, run as a child of the monthly pipeline so a month's many parts and shards stay out
// of the parent's history: plan → cut big files into parts → ingest every part in parallel → drop
// duplicate ids month-wide (per id shard, then per part that lost rows) → decode the month's images.
import { patched } from '@temporalio/workflow';
import type { FileIngestResult } from '../activities/ingest';
import type { DuplicatesDropped, IdListRef } from '../activities/dedupe-ids';
import type { ImageSummary } from '../activities/images';
import type { IngestSettings } from '../core/pipeline/settings';
import { data } from './data-activities';
import { recordIngestRows } from './pipeline-metrics';

export interface IngestSummary {
  specKey: string;
  specSource: string;
  files: number;
  parts: number;
  /** Records read; each is either accepted or quarantined (duplicate ids included). */
  rows: number;
  accepted: number;
  quarantined: number;
  quarantineReasons: Record<string, number>;
  images: ImageSummary | null;
  /** Every examples shard, in part order (duplicates are dropped in place): what later stages read.
   *  Absent from runs whose parts did not name their shards. */
  examples?: string[];
}

export interface IngestMonthInput {
  month: string;
  ingest?: IngestSettings;
}

export async function ingestMonth(input: IngestMonthInput): Promise<IngestSummary> {
  return ingestSteps(input, { dropDuplicateIds: true });
}

/** The stage's steps. Pipeline runs started before ingest became a child ran them inline without the
 *  duplicate-id check, and replay them so (monthly-pipeline.ts); the activities behind them are today's. */
export async function ingestSteps(input: IngestMonthInput, options: { dropDuplicateIds: boolean }): Promise<IngestSummary> {
  const { month } = input;
  // Settings frozen in an older Schedule may lack `ingest`: those runs ingest files whole.
  const settings = input.ingest ?? { splitBytes: Infinity, rowsPerPart: 0 };
  const plan = await data.planIngest({ month, idShardBytes: settings.idShardBytes });
  const { maxRecordBytes } = settings;
  const pieces = (
    await Promise.all(
      plan.files.map((file) =>
        file.size > settings.splitBytes
          ? data.splitCsv({ month, file: file.key, specKey: plan.specKey, rowsPerPart: settings.rowsPerPart, maxRecordBytes })
          : Promise.resolve([{ key: file.key, source: file.key, firstLine: 2 }]),
      ),
    )
  ).flat();
  const idShards = options.dropDuplicateIds ? plan.idShards : 0;
  const parts = await Promise.all(
    pieces.map((piece, part) =>
      data.ingestFile({
        month,
        specKey: plan.specKey,
        file: piece.key,
        source: piece.source,
        firstLine: piece.firstLine,
        part,
        idShards,
        maxRecordBytes,
      }),
    ),
  );
  const dropped = options.dropDuplicateIds ? await dropDuplicateIds(month, parts) : [];
  // Runs started before images were processed in parts decoded them in one activity, and replay so.
  const images = patched('image-parts')
    ? await processImagesInParts(month, plan.specKey, settings.imagesPerPart ?? DEFAULT_IMAGES_PER_PART)
    : await data.processImages({ month, specKey: plan.specKey });

  const counts = [...parts.map((p) => p.reasons), ...dropped.map((d) => d.reasons)];
  const quarantineReasons: Record<string, number> = {};
  for (const reasons of counts) for (const [reason, count] of Object.entries(reasons)) quarantineReasons[reason] = (quarantineReasons[reason] ?? 0) + count;
  const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
  const duplicates = sum(dropped.map((d) => d.dropped));
  recordIngestRows(month, { accepted: sum(parts.map((p) => p.accepted)) - duplicates, quarantineReasons });
  return {
    specKey: plan.specKey,
    specSource: plan.specSource,
    files: plan.files.length,
    parts: pieces.length,
    rows: sum(parts.map((p) => p.rows)),
    accepted: sum(parts.map((p) => p.accepted)) - duplicates,
    quarantined: sum(parts.map((p) => p.quarantined)) + duplicates,
    quarantineReasons,
    images,
    examples: parts.every((p) => p.examples) ? parts.map((p) => p.examples.key) : undefined,
  };
}

/** Each id shard is checked across all parts (in plan order, so the first row wins), then each part that lost rows is rewritten. */
async function dropDuplicateIds(month: string, parts: FileIngestResult[]): Promise<DuplicatesDropped[]> {
  const shards = new Map<number, IdListRef[]>();
  for (const result of parts) {
    for (const { shard, key } of result.idLists) {
      const lists = shards.get(shard) ?? [];
      lists.push({ part: result.part, file: result.file, key });
      shards.set(shard, lists);
    }
  }
  const found = (await Promise.all([...shards].map(([shard, lists]) => data.findDuplicateIds({ month, shard, lists })))).flat();
  const byPart = new Map<number, string[]>();
  for (const { part, key } of found) byPart.set(part, [...(byPart.get(part) ?? []), key]);
  return Promise.all(
    [...byPart].map(([part, duplicates]) => {
      const { file, examples } = parts[part]!;
      return data.dropDuplicates({ month, part, file, examples, duplicates });
    }),
  );
}

const DEFAULT_IMAGES_PER_PART = 4096;
// Parts in flight at once: each holds up to imagesPerPart decoded images on its worker.
const IMAGE_PARTS_IN_FLIGHT = 8;

/** Plan the month's distinct images into parts, decode the parts on any pipeline workers, then index the shards. */
async function processImagesInParts(month: string, specKey: string, imagesPerPart: number): Promise<ImageSummary | null> {
  const plan = await data.planImages({ month, specKey, imagesPerPart });
  if (!plan) return null;
  const parts = Array.from({ length: plan.parts }, (_, part) => part);
  const results = await withLimit(parts, IMAGE_PARTS_IN_FLIGHT, (part) => data.processImagePart({ month, part, size: plan.size }));
  const summary = await data.indexImages({ month, size: plan.size, parts: plan.parts });
  return { ...summary, decoded: results.reduce((total, r) => total + r.decoded, 0) };
}

/** Runs run(item) for every item with at most `limit` in flight, results in item order (deterministic: workflow code). */
async function withLimit<T, R>(items: T[], limit: number, run: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await run(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}
