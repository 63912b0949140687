// Duplicate ids within a month: the first row with an id (by file order in the plan, then line) is
// kept and every later one is quarantined, naming where the kept one is. No process holds the month's
// ids: findDuplicateIds checks one hash shard of them across all parts, then dropDuplicates rewrites
// each part that lost rows.
import { log } from '@temporalio/activity';
import { boundText } from '../core/bounded-text';
import type { DuplicateId, IdEntry } from '../core/pipeline/id-lists';
import { monthArtifacts } from '../core/pipeline/layout';
import { boundRaw, quarantineEntry, reasonKind } from '../core/pipeline/quarantine';
import { PreconditionFailedError, type BlobStore } from '../core/storage/blob-store';
import { FAST_GZIP_LEVEL, JsonLinesWriter, readJsonLineBatches, readJsonLines, readTextLineBatches } from '../core/storage/lines';
import { throttledHeartbeat } from '../core/temporal/heartbeats';
import { Turnstile } from '../core/concurrency';

export interface IdListRef {
  part: number;
  /** The part's source file, named in the reasons. */
  file: string;
  key: string;
}

export interface DuplicatesFound {
  part: number;
  key: string;
  count: number;
}

export interface DropDuplicatesInput {
  month: string;
  part: number;
  /** The part's source file, named in the quarantine. */
  file: string;
  /** The examples shard as ingest wrote it. */
  examples: { key: string; generation: string };
  /** The part's duplicate lists, one per id shard that found any. */
  duplicates: string[];
}

export interface DuplicatesDropped {
  part: number;
  dropped: number;
  reasons: Record<string, number>;
}

// A kept id's place, packed in one number: which list (< 2^21) and its line (< 2^32).
const LINE_SPAN = 2 ** 32;

// One per process: every pipeline worker in it shares the memory.
const idShardTurn = new Turnstile();

export function createDedupeActivities(deps: { store: BlobStore }) {
  const { store } = deps;
  return {
    /** One id shard across all parts, given in plan order: writes each part's duplicates, returns where. */
    async findDuplicateIds(input: { month: string; shard: number; lists: IdListRef[] }): Promise<DuplicatesFound[]> {
      const beat = throttledHeartbeat();
      // A shard's ids fill memory: a worker given several shards at once checks them one after another.
      return idShardTurn.pass(
        () => findInShard(store, input, beat),
        () => beat({ shard: input.shard, waiting: 'another id shard' }),
      );
    },

    /** Rewrites one part's examples shard without its duplicates, and quarantines them. Safe to retry:
     *  the shard is replaced only if it is still the version ingest wrote. */
    async dropDuplicates(input: DropDuplicatesInput): Promise<DuplicatesDropped> {
      const byOrdinal = new Map<number, DuplicateId>();
      for (const key of input.duplicates) for await (const duplicate of readJsonLines<DuplicateId>(store, key)) byOrdinal.set(duplicate.ordinal, duplicate);
      const reasons: Record<string, number> = {};
      const entries = [...byOrdinal.values()]
        .sort((a, b) => a.ordinal - b.ordinal)
        .map((duplicate) => {
          const keptAt = `${duplicate.kept.file} line ${duplicate.kept.line}`;
          const reason = `duplicate id: ${JSON.stringify(boundText(duplicate.id, 200))} was first accepted at ${keptAt}`;
          reasons[reasonKind(reason)] = (reasons[reasonKind(reason)] ?? 0) + 1;
          return { duplicate, reason };
        });
      const result = { part: input.part, dropped: entries.length, reasons };
      if ((await store.stat(input.examples.key))?.generation !== input.examples.generation) return result;

      const kept = new JsonLinesWriter(store, input.examples.key, { ifGeneration: input.examples.generation, gzipLevel: FAST_GZIP_LEVEL });
      const quarantine = new JsonLinesWriter(store, monthArtifacts(input.month).duplicatesQuarantine(input.part));
      const beat = throttledHeartbeat();
      let ordinal = 0;
      let next = 0;
      // Kept examples are copied as the lines they are, without decoding them.
      for await (const examples of readTextLineBatches(store, input.examples.key)) {
        beat({ part: input.part, ordinal });
        for (const example of examples) {
          const entry = entries[next];
          if (entry?.duplicate.ordinal === ordinal++) {
            next += 1;
            quarantine.add(JSON.stringify(quarantineEntry(input.file, entry.duplicate.line, entry.reason, boundRaw(example))));
          } else kept.add(example);
        }
        await Promise.all([quarantine.flushIfFull(), kept.flushIfFull()]);
      }
      await quarantine.close();
      try {
        await kept.close();
      } catch (error) {
        // Another attempt of this activity replaced the shard first: its result is this one.
        if (!(error instanceof PreconditionFailedError)) throw error;
      }
      log.info('duplicates dropped', { month: input.month, ...result });
      return result;
    },
  };
}

async function findInShard(
  store: BlobStore,
  input: { month: string; shard: number; lists: IdListRef[] },
  beat: (details: unknown) => void,
): Promise<DuplicatesFound[]> {
  const firstSeen = new Map<string, number>();
  const found: DuplicatesFound[] = [];
  for (const [index, list] of input.lists.entries()) {
    let out: JsonLinesWriter | undefined;
    const key = monthArtifacts(input.month).duplicateIds(input.shard, list.part);
    let count = 0;
    for await (const entries of readJsonLineBatches<IdEntry>(store, list.key)) {
      beat({ shard: input.shard, part: list.part, ids: firstSeen.size });
      for (const [id, ordinal, line] of entries) {
        const kept = firstSeen.get(id);
        if (kept === undefined) {
          firstSeen.set(id, index * LINE_SPAN + line);
          continue;
        }
        const duplicate: DuplicateId = { ordinal, line, id, kept: { file: input.lists[Math.floor(kept / LINE_SPAN)]!.file, line: kept % LINE_SPAN } };
        (out ??= new JsonLinesWriter(store, key)).add(JSON.stringify(duplicate));
        count += 1;
      }
      await out?.flushIfFull();
    }
    if (out) {
      await out.close();
      found.push({ part: list.part, key, count });
    }
  }
  log.info('duplicate ids found', { month: input.month, shard: input.shard, ids: firstSeen.size, duplicates: found.reduce((sum, f) => sum + f.count, 0) });
  return found;
}
