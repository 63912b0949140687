// Where the registry keeps each thing in the bucket. Numbers are zero-padded to 6 digits so that
// key order (what list() returns) is numeric order.
import { createHash } from 'node:crypto';

const pad = (n: number) => String(n).padStart(6, '0');

export interface RegistryLayout {
  versions: string;
  versionRecord(version: number): string;
  versionFile(version: number, name: string): string;
  /** Version number of a key that is some version's version.json, else undefined. */
  versionOfRecordKey(key: string): number | undefined;
  championAlias: string;
  history: string;
  historyEntry(sequence: number): string;
  sequenceOfHistoryKey(key: string): number | undefined;
  /** Hashed so that any caller string (slashes, spaces) makes one flat, safe key. */
  idempotencyPointer(idempotencyKey: string): string;
}

export function registryLayout(prefix: string): RegistryLayout {
  const root = prefix.replace(/\/+$/, '');
  const versions = `${root}/versions/`;
  const history = `${root}/history/`;
  const recordKey = new RegExp(`^${escapeRegExp(versions)}(\\d{6})/version\\.json$`);
  const historyKey = new RegExp(`^${escapeRegExp(history)}(\\d{6})\\.json$`);
  return {
    versions,
    versionRecord: (version) => `${versions}${pad(version)}/version.json`,
    versionFile: (version, name) => `${versions}${pad(version)}/files/${name}`,
    versionOfRecordKey: (key) => numberIn(recordKey.exec(key)),
    championAlias: `${root}/aliases/champion.json`,
    history,
    historyEntry: (sequence) => `${history}${pad(sequence)}.json`,
    sequenceOfHistoryKey: (key) => numberIn(historyKey.exec(key)),
    idempotencyPointer: (idempotencyKey) => `${root}/idempotency/${createHash('sha256').update(idempotencyKey).digest('hex')}.json`,
  };
}

function numberIn(match: RegExpExecArray | null): number | undefined {
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
