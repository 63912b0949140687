// A seeded writer of dirty CSV months, independent of core/datagen (its own columns, spec and dirt), that
// remembers the truth: which ids are clean, and the file and line of every record that must be refused.
// Clean rows carry legal RFC 4180 quoting (commas, doubled quotes, newlines inside quotes); dirty rows mix
// every kind of damage ingest must survive, unclosed quotes often several in a row.
import { gzipSync } from 'node:zlib';
import { Random } from '../../core/random';
import { putJson, type BlobStore } from '../../core/storage/blob-store';

export const dirtySpec = {
  name: 'dirty-events',
  columns: [
    { name: 'event_key', role: 'id' },
    { name: 'seen_at', role: 'timestamp' },
    { name: 'channel', role: 'categorical', vocabularySize: 8 },
    { name: 'note', role: 'text' },
    { name: 'score', role: 'numeric', min: 0, max: 100 },
    { name: 'bought', role: 'label' },
  ],
};
export const DIRTY_HEADER = 'event_key,seen_at,channel,note,score,bought';

export const DIRT_KINDS = [
  'unclosedQuotes',
  'shortRow',
  'longRow',
  'badNumber',
  'outOfRange',
  'badLabel',
  'badTimestamp',
  'outOfMonth',
  'strayQuote',
  'invalidUtf8',
  'missingChannel',
  'duplicateId',
] as const;
export type DirtKind = (typeof DIRT_KINDS)[number] | 'overLong';

export interface DirtyMonthOptions {
  month: string;
  seed: number;
  files: number;
  rowsPerFile: number;
  /** Share of records that are dirty, 0.001 to 0.05. */
  dirtRate: number;
  /** The ingest record limit: each file gets one line longer than it. */
  maxRecordBytes: number;
}

export interface DirtyMonth {
  files: string[];
  cleanIds: Set<string>;
  /** Every record written, clean or dirty (a record may span lines). */
  records: number;
  /** "file:line" of each dirty record, and its kind. */
  dirty: Map<string, DirtKind>;
}

const WORDS = ['fast', 'blue', 'sale', 'shoes', 'winter', 'deal', 'ünïcödé', 'café', 'now', 'free'];
const CHANNELS = ['web', 'app', 'email', 'tv'];

export async function writeDirtyMonth(store: BlobStore, options: DirtyMonthOptions): Promise<DirtyMonth> {
  const random = new Random(options.seed);
  const month: DirtyMonth = { files: [], cleanIds: new Set(), records: 0, dirty: new Map() };
  const cleanIdList: string[] = [];
  const [year, monthIndex] = options.month.split('-').map(Number) as [number, number];
  const from = Date.UTC(year, monthIndex - 1, 1);
  const to = Date.UTC(year, monthIndex, 1);
  const words = (n: number) => Array.from({ length: n }, () => random.pick(WORDS)).join(' ');

  for (let f = 0; f < options.files; f++) {
    // Every second file is gzipped, as clients often send them.
    const file = `raw/${options.month}/events-${String(f).padStart(2, '0')}.csv${f % 2 === 1 ? '.gz' : ''}`;
    const eol = random.chance(0.5) ? '\r\n' : '\n';
    const chunks: Buffer[] = [Buffer.from(`${DIRTY_HEADER}${eol}`)];
    let line = 2;
    const overLongAt = random.int(0, options.rowsPerFile - 1);
    const emit = (bytes: Buffer | string, lines: number, dirt?: DirtKind) => {
      chunks.push(Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes));
      if (dirt) month.dirty.set(`${file}:${line}`, dirt);
      month.records += 1;
      line += lines;
    };
    for (let r = 0; r < options.rowsPerFile; r++) {
      const id = `e${options.seed}-${f}-${r}`;
      const fields = [id, timestamp(random, from, to), random.pick(CHANNELS), cleanNote(random, words), String(random.int(0, 100)), random.pick(['0', '1'])];
      if (r === overLongAt) {
        fields[3] = 'x'.repeat(options.maxRecordBytes + random.int(1, 3 * options.maxRecordBytes));
        emit(fields.join(',') + eol, 1, 'overLong');
        continue;
      }
      if (!random.chance(options.dirtRate)) {
        month.cleanIds.add(id);
        cleanIdList.push(id);
        emit(fields.join(',') + eol, 1 + (fields[3]!.match(/\n/g)?.length ?? 0));
        continue;
      }
      const kind = random.pick(DIRT_KINDS);
      // Clean rows stay single-line here so each dirty record is exactly one quarantined line.
      fields[3] = words(random.int(1, 4));
      if (kind === 'unclosedQuotes') {
        for (let burst = random.int(1, 4); burst > 0; burst--)
          emit([id + (burst > 1 ? `-${burst}` : ''), ...fields.slice(1, 3), `"${words(3)}`, ...fields.slice(4)].join(',') + eol, 1, kind);
        continue;
      }
      if (kind === 'invalidUtf8') {
        emit(
          Buffer.concat([
            Buffer.from(`${fields.slice(0, 3).join(',')},caf`),
            Buffer.from(random.pick([[0xe9], [0xff, 0xfe], [0xc3, 0x28]])),
            Buffer.from(`,${fields.slice(4).join(',')}${eol}`),
          ]),
          1,
          kind,
        );
        continue;
      }
      if (kind === 'duplicateId' && cleanIdList.length > 0) fields[0] = random.pick(cleanIdList);
      else spoil(kind, fields, random, from, to);
      emit(fields.join(',') + eol, 1, kind);
    }
    const bytes = Buffer.concat(chunks);
    await store.put(file, file.endsWith('.gz') ? gzipSync(bytes) : bytes);
    month.files.push(file);
  }
  await putJson(store, `raw/${options.month}/spec.json`, dirtySpec);
  return month;
}

function cleanNote(random: Random, words: (n: number) => string): string {
  const roll = random.next();
  if (roll < 0.05) return `"${words(2)}, ${words(2)}"`;
  if (roll < 0.08) return `"they said ""${words(1)}"", twice"`;
  if (roll < 0.1) return `"${words(2)}\n${words(2)}, then\r\n${words(1)}"`;
  if (roll < 0.12) return '';
  return words(random.int(1, 5));
}

function timestamp(random: Random, from: number, to: number): string {
  const at = Math.floor(random.uniform(from, to));
  return random.chance(0.5) ? new Date(at).toISOString() : String(at);
}

function spoil(kind: DirtKind, fields: string[], random: Random, from: number, to: number): void {
  if (kind === 'shortRow') fields.pop();
  else if (kind === 'longRow' || kind === 'duplicateId') fields.push('extra');
  else if (kind === 'badNumber') fields[4] = random.pick(['abc', '12x', '']);
  else if (kind === 'outOfRange') fields[4] = random.pick(['250', '-3']);
  else if (kind === 'badLabel') fields[5] = random.pick(['2', 'yes', '']);
  else if (kind === 'badTimestamp') fields[1] = random.pick(['not-a-date', '2026-13-45T25:61:00Z']);
  else if (kind === 'outOfMonth') fields[1] = new Date(random.chance(0.5) ? from - 3_600_000 : to + 3_600_000).toISOString();
  else if (kind === 'strayQuote') fields[3] = `${random.pick(WORDS)}"${random.pick(WORDS)} ${random.pick(WORDS)}`;
  else if (kind === 'missingChannel') fields[2] = '';
}
