// The audit log: what was registered, rejected and promoted, when and by whom. Each entry is
// created once at the next sequence number (ifGeneration '0') and never rewritten.
import { getJson, listAll, PreconditionFailedError, putJson, type BlobStore } from '../storage/blob-store';
import type { RegistryLayout } from './layout';
import { historyEntrySchema, type HistoryEntry } from './types';

export type HistoryDraft = Omit<HistoryEntry, 'sequence'>;

export class HistoryLog {
  constructor(
    private readonly store: BlobStore,
    private readonly layout: RegistryLayout,
  ) {}

  /** Every entry, in sequence order. */
  async entries(): Promise<HistoryEntry[]> {
    const keys = await this.entryKeys();
    return Promise.all(keys.map((key) => this.read(key)));
  }

  /**
   * Appends an event unless the log already holds it, so a retried activity or a racing duplicate
   * records it once. Reads the whole log: fine at a few events a month.
   */
  async record(draft: HistoryDraft): Promise<HistoryEntry> {
    const entries = await this.entries();
    return entries.find((entry) => sameEvent(entry, draft)) ?? this.appendFrom((entries.at(-1)?.sequence ?? 0) + 1, draft);
  }

  // Every sequence from `sequence` on is either written by us or read back, so an entry for the same
  // event appended after our scan is noticed instead of duplicated.
  private async appendFrom(sequence: number, draft: HistoryDraft): Promise<HistoryEntry> {
    for (let next = sequence; ; next += 1) {
      const entry: HistoryEntry = { sequence: next, ...draft };
      try {
        await putJson(this.store, this.layout.historyEntry(next), entry, { ifGeneration: '0' });
        return entry;
      } catch (error) {
        if (!(error instanceof PreconditionFailedError)) throw error;
        const taken = await this.read(this.layout.historyEntry(next));
        if (sameEvent(taken, draft)) return taken;
      }
    }
  }

  private async entryKeys(): Promise<string[]> {
    const listed = await listAll(this.store, this.layout.history);
    return listed.map((info) => info.key).filter((key) => this.layout.sequenceOfHistoryKey(key) !== undefined);
  }

  private async read(key: string): Promise<HistoryEntry> {
    return historyEntrySchema.parse(await getJson(this.store, key));
  }
}

/** The version that was champion at `time`: the highest alias revision that had happened by then. */
export function championAt(entries: HistoryEntry[], time: Date): number | undefined {
  let latest: HistoryEntry | undefined;
  for (const entry of entries) {
    if (entry.revision === undefined || Date.parse(entry.at) > time.getTime()) continue;
    if (!latest || entry.revision > (latest.revision ?? 0)) latest = entry;
  }
  return latest?.version;
}

// An event is its kind, subject and time: retries reuse the time stored with the change they record.
function sameEvent(a: HistoryDraft, b: HistoryDraft): boolean {
  return a.event === b.event && a.version === b.version && a.at === b.at;
}
