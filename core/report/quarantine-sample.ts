// Quarantine counts by kind of reason, with the first few entries of each kind, read line by line from
// the month's quarantine files: memory holds the counts and the examples, never the files.
import { createInterface } from 'node:readline';
import { reasonKind, type QuarantineEntry } from '../pipeline/quarantine';
import { listAll, type BlobStore } from '../storage/blob-store';
import { readMaybeGzipped } from '../storage/lines';
import type { QuarantineKind, QuarantineSample } from './report-inputs';

export interface QuarantineBounds {
  /** Stop reading after this many entries (counts then cover those only, and say so). */
  maxEntries: number;
  examplesPerKind: number;
  /** Kinds beyond this many are counted together. */
  maxKinds: number;
}

export const defaultQuarantineBounds: QuarantineBounds = { maxEntries: 1_000_000, examplesPerKind: 3, maxKinds: 40 };

const OTHER_KINDS = '(other kinds)';

/** progress is called with the entries read so far, e.g. to heartbeat. */
export async function sampleQuarantine(
  store: BlobStore,
  prefix: string,
  progress: (entries: number) => void = () => undefined,
  bounds = defaultQuarantineBounds,
): Promise<QuarantineSample> {
  const files = (await listAll(store, prefix)).filter((info) => /\.jsonl(\.gz)?$/.test(info.key));
  const kinds = new Map<string, QuarantineKind>();
  let entries = 0;
  let stopped = false;
  const add = (kind: string, entry: QuarantineEntry) => {
    const key = kinds.has(kind) || kinds.size < bounds.maxKinds ? kind : OTHER_KINDS;
    let found = kinds.get(key);
    if (!found) kinds.set(key, (found = { kind: key, count: 0, examples: [] }));
    found.count += 1;
    if (found.examples.length < bounds.examplesPerKind) found.examples.push(entry);
  };
  for (const file of files) {
    if (stopped) break;
    const input = readMaybeGzipped(store, file.key);
    try {
      for await (const line of createInterface({ input, crlfDelay: Infinity })) {
        if (!line) continue;
        if (entries >= bounds.maxEntries) {
          stopped = true;
          break;
        }
        entries += 1;
        progress(entries);
        const entry = parseEntry(line, file.key);
        add(
          entry ? reasonKind(entry.reason) : '(unreadable quarantine entry)',
          entry ?? { file: file.key, line: entries, reason: 'not a JSON entry', raw: line },
        );
      }
    } finally {
      // Stopping early must not leave a download open.
      input.destroy();
    }
  }
  return { files: files.length, entries, complete: !stopped, kinds: [...kinds.values()].sort((a, b) => b.count - a.count || (a.kind < b.kind ? -1 : 1)) };
}

function parseEntry(line: string, key: string): QuarantineEntry | undefined {
  try {
    const entry = JSON.parse(line) as Partial<QuarantineEntry>;
    if (typeof entry.reason !== 'string') return undefined;
    return { file: String(entry.file ?? key), line: Number(entry.line ?? 0), reason: entry.reason, raw: String(entry.raw ?? '') };
  } catch {
    return undefined;
  }
}
