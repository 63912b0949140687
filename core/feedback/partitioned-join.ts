// The feedback join: logged predictions × the month's examples, by impression id, in bounded memory.
// Both sides are first cut into K hash partitions of the id in the bucket; then each partition's labels
// are held in a map while its predictions stream past. Of several predictions of one id by one model
// version the LAST served is kept (latest `at`; on equal times, the one read later): a client that asked
// again acted on the later answer. Predictions of different versions for one id each count for their version.
import type { Example } from '../features/example';
import type { BlobStore } from '../storage/blob-store';
import { isCorruptGzip, readJsonLineBatches } from '../storage/lines';
import type { LoggedPrediction } from './log-entry';
import { partitionKey, partitionOf, PartitionWriters } from './partition-writers';

export interface JoinedPrediction {
  id: string;
  modelVersion: number;
  probability: number;
  label: 0 | 1;
}

export interface JoinCounts {
  /** Log entries read. */
  predictions: number;
  /** Log shards that are not whole gzip or not JSON lines: read up to the damage, then skipped. */
  unreadableShards: number;
  /** Entries without an impression id: nothing to join them on. */
  withoutId: number;
  /** Earlier predictions of an id by the same version, superseded by a later one. */
  superseded: number;
  /** Kept predictions whose id is not among the month's examples. */
  unmatched: number;
  joined: number;
}

export interface JoinInput {
  store: BlobStore;
  predictionShards: string[];
  exampleShards: string[];
  partitions: number;
  /** Where the partitions are written (removed once joined), e.g. artifacts/<month>/feedback/. */
  workPrefix: string;
  /** Called as rows stream, to heartbeat. */
  progress?: (details: Record<string, number>) => void;
}

/** [id, version, probability, served at (ms), order read] and [id, label]: the partitions' rows. */
type PredictionRow = [string, number, number, number, number];
type LabelRow = [string, 0 | 1];

export async function partitionedJoin(input: JoinInput, onJoined: (row: JoinedPrediction) => void): Promise<JoinCounts> {
  const { store, partitions, progress = () => undefined } = input;
  const counts: JoinCounts = { predictions: 0, unreadableShards: 0, withoutId: 0, superseded: 0, unmatched: 0, joined: 0 };
  const predictionPrefix = `${input.workPrefix}predictions/`;
  const labelPrefix = `${input.workPrefix}labels/`;

  const predictionWriters = new PartitionWriters(store, predictionPrefix, partitions);
  const withPredictions = await writeAll(predictionWriters, async () => {
    for (const shard of input.predictionShards) {
      try {
        for await (const entries of readJsonLineBatches<LoggedPrediction>(store, shard)) {
          for (const entry of entries) {
            counts.predictions += 1;
            progress({ predictions: counts.predictions });
            if (entry.id === undefined) counts.withoutId += 1;
            else {
              const row: PredictionRow = [entry.id, entry.modelVersion, entry.probability, Date.parse(entry.at), counts.predictions];
              predictionWriters.add(entry.id, row);
            }
          }
          await predictionWriters.flushIfFull();
        }
      } catch (error) {
        // A damaged shard costs its own entries, not the month's feedback: reading it again would not help.
        if (!isCorruptGzip(error) && !(error instanceof SyntaxError)) throw error;
        counts.unreadableShards += 1;
      }
    }
  });

  // Only ids some prediction may match are worth a label row; the others' partitions are skipped whole.
  const labelWriters = new PartitionWriters(store, labelPrefix, partitions);
  let examples = 0;
  const withLabels = await writeAll(labelWriters, async () => {
    for (const shard of input.exampleShards) {
      for await (const batch of readJsonLineBatches<Example>(store, shard)) {
        for (const example of batch) {
          progress({ examples: ++examples });
          if (example.id === undefined || !withPredictions.has(partitionOf(example.id, partitions))) continue;
          const row: LabelRow = [example.id, example.y];
          labelWriters.add(example.id, row);
        }
        await labelWriters.flushIfFull();
      }
    }
  });

  for (const partition of [...withPredictions].sort((a, b) => a - b)) {
    const labels = new Map<string, 0 | 1>();
    if (withLabels.has(partition))
      for await (const rows of readJsonLineBatches<LabelRow>(store, partitionKey(labelPrefix, partition))) for (const [id, y] of rows) labels.set(id, y);
    const latest = new Map<string, PredictionRow>();
    for await (const rows of readJsonLineBatches<PredictionRow>(store, partitionKey(predictionPrefix, partition))) {
      for (const row of rows) {
        const key = `${row[1]}\u0000${row[0]}`;
        const kept = latest.get(key);
        if (kept) counts.superseded += 1;
        if (!kept || row[3] > kept[3] || (row[3] === kept[3] && row[4] > kept[4])) latest.set(key, row);
      }
    }
    for (const [id, modelVersion, probability] of latest.values()) {
      const label = labels.get(id);
      if (label === undefined) counts.unmatched += 1;
      else {
        counts.joined += 1;
        onJoined({ id, modelVersion, probability, label });
      }
    }
    progress({ partition });
  }

  const written = [...[...withPredictions].map((p) => partitionKey(predictionPrefix, p)), ...[...withLabels].map((p) => partitionKey(labelPrefix, p))];
  for (const key of written) await store.delete(key);
  return counts;
}

/** Runs `write`, then closes the writers; on failure, aborts them so no half-written partition is published. */
async function writeAll(writers: PartitionWriters, write: () => Promise<void>): Promise<Set<number>> {
  try {
    await write();
  } catch (error) {
    await writers.abort(error as Error);
    throw error;
  }
  return writers.close();
}
