// Times the ingest stage's CSV work on a month already in STORAGE_URL: plan, cut big files, ingest every
// part, find and drop duplicate ids. Activities run in-process one at a time, as one worker slot would
// run them; images are left out (their decoding is not part of reading CSV).
//   STORAGE_URL=file:///tmp/bucket npx tsx scripts/measure-ingest.ts --month 2026-10 [--split-bytes N]
import { parseArgs } from 'node:util';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createDedupeActivities, type DuplicatesFound, type IdListRef } from '../activities/dedupe-ids';
import { createIngestActivities, type FileIngestResult } from '../activities/ingest';
import { createSplitActivities, type CsvPart } from '../activities/split-csv';
import { loadConfig } from '../core/config';
import { openStore } from '../core/storage/open-store';

const { values } = parseArgs({ options: { month: { type: 'string' }, 'split-bytes': { type: 'string' } } });
if (!values.month) throw new Error('--month is required');
const month = values.month;
const config = loadConfig();
const store = await openStore(config);
const splitBytes = Number(values['split-bytes'] ?? config.INGEST_SPLIT_BYTES);
const maxRecordBytes = config.INGEST_MAX_RECORD_BYTES;
const activities = { ...createIngestActivities({ store }), ...createSplitActivities({ store }), ...createDedupeActivities({ store }) };
const run = <A extends unknown[], R>(activity: (...args: A) => Promise<R>, ...args: A) => new MockActivityEnvironment().run(activity, ...args) as Promise<R>;

const started = performance.now();
const plan = await run(activities.planIngest, { month, idShardBytes: config.INGEST_ID_SHARD_BYTES });
const pieces: CsvPart[] = [];
for (const file of plan.files) {
  if (file.size <= splitBytes) pieces.push({ key: file.key, source: file.key, firstLine: 2 });
  else
    pieces.push(
      ...(await run(activities.splitCsv, { month, file: file.key, specKey: plan.specKey, rowsPerPart: config.INGEST_ROWS_PER_PART, maxRecordBytes })),
    );
}
const parts: FileIngestResult[] = [];
for (const [part, { key, source, firstLine }] of pieces.entries()) {
  parts.push(await run(activities.ingestFile, { month, specKey: plan.specKey, file: key, source, firstLine, part, idShards: plan.idShards, maxRecordBytes }));
}
const csvSeconds = (performance.now() - started) / 1000;

const shards = new Map<number, IdListRef[]>();
for (const { part, file, idLists } of parts) for (const { shard, key } of idLists) shards.set(shard, [...(shards.get(shard) ?? []), { part, file, key }]);
const found: DuplicatesFound[] = [];
for (const [shard, lists] of shards) found.push(...(await run(activities.findDuplicateIds, { month, shard, lists })));
let duplicates = 0;
for (const part of new Set(found.map((f) => f.part))) {
  const { file, examples } = parts[part]!;
  const keys = found.filter((f) => f.part === part).map((f) => f.key);
  duplicates += (await run(activities.dropDuplicates, { month, part, file, examples, duplicates: keys })).dropped;
}
const seconds = (performance.now() - started) / 1000;

const rows = parts.reduce((sum, p) => sum + p.rows, 0);
const accepted = parts.reduce((sum, p) => sum + p.accepted, 0) - duplicates;
const report = {
  month,
  files: plan.files.length,
  parts: pieces.length,
  rows,
  accepted,
  duplicates,
  csvSeconds: +csvSeconds.toFixed(2),
  seconds: +seconds.toFixed(2),
};
process.stdout.write(`${JSON.stringify({ ...report, rowsPerSecond: Math.round(rows / seconds) })}\n`);
