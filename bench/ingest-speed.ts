// Benchmark (not a test): ingest's rows/s against a raw read of the same CSV objects through the GCS API
// (fake-gcs-server), and against csv-parse on them. A generated month (with the generator's dirt) is put
// in a bucket once; then each round reads it three ways, in rotating order so drifting load hits all alike:
// raw (stream every byte, count newlines), csv-parse (parse every record), and ingest: the activities the
// ingest child workflow runs per month and part (planIngest, ingestFile per file, findDuplicateIds per id
// shard, dropDuplicates), called in-process through MockActivityEnvironment, files in parallel as the
// workflow fans them out. Images are not part of it (their own stage, with its own benchmark).
// usage: tsx bench/ingest-speed.ts [--impressions 300000 --files 4 --rounds 5]
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { parse } from 'csv-parse';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { createDedupeActivities } from '../activities/dedupe-ids';
import { createIngestActivities, type FileIngestResult } from '../activities/ingest';
import { generateMonth } from '../core/datagen/generate-month';
import { GcsStore } from '../core/storage/gcs-store';
import { readMaybeGzipped } from '../core/storage/lines';
import { freePort } from '../devstack/processes';
import { startFakeGcsServer } from '../devstack/fake-gcs-server';
import { loadAverages, median, thousands } from './report-numbers';

const { values } = parseArgs({
  options: {
    impressions: { type: 'string', default: '300000' },
    files: { type: 'string', default: '4' },
    rounds: { type: 'string', default: '5' },
  },
});
const impressions = Number(values.impressions);
const rounds = Number(values.rounds);
const month = '2030-01';

interface Counted {
  rows: number;
  bytes: number;
  /** Ingest's own account of the rows. */
  note?: string;
}

interface Pass extends Counted {
  seconds: number;
  /** This process's CPU time (every thread: zlib's too), which other jobs on the machine disturb less than the wall clock. */
  cpuSeconds: number;
}

async function timed(run: () => Promise<Counted>): Promise<Pass> {
  const started = performance.now();
  const cpu = process.cpuUsage();
  const counted = await run();
  const used = process.cpuUsage(cpu);
  return { ...counted, seconds: (performance.now() - started) / 1000, cpuSeconds: (used.user + used.system) / 1e6 };
}

/** Every byte of every CSV through the GCS API; rows are newlines less the header. */
async function rawRead(store: GcsStore, keys: string[]): Promise<{ rows: number; bytes: number }> {
  const counts = await Promise.all(
    keys.map(async (key) => {
      let newlines = 0;
      let bytes = 0;
      for await (const chunk of readMaybeGzipped(store, key) as AsyncIterable<Buffer>) {
        bytes += chunk.length;
        for (let at = chunk.indexOf(10); at >= 0; at = chunk.indexOf(10, at + 1)) newlines += 1;
      }
      return { rows: newlines - 1, bytes };
    }),
  );
  return { rows: counts.reduce((s, c) => s + c.rows, 0), bytes: counts.reduce((s, c) => s + c.bytes, 0) };
}

async function csvParse(store: GcsStore, keys: string[], bytes: number): Promise<{ rows: number; bytes: number }> {
  const counts = await Promise.all(
    keys.map(async (key) => {
      // relax_column_count: the month's dirt includes short rows, which ingest quarantines and counts.
      const parser = readMaybeGzipped(store, key).pipe(parse({ from_line: 2, relax_column_count: true, relax_quotes: true }));
      let rows = 0;
      parser.on('data', () => (rows += 1));
      await finished(parser);
      return rows;
    }),
  );
  return { rows: counts.reduce((s, c) => s + c, 0), bytes };
}

// The activities' log lines would swamp the report.
const quiet = new DefaultLogger('WARN');

/** The ingest child workflow's row steps, in its order, with its arguments. */
async function ingest(store: GcsStore, bytes: number): Promise<Counted> {
  const run = <I, O>(activity: (input: I) => Promise<O>, input: I): Promise<O> => new MockActivityEnvironment({}, { logger: quiet }).run(activity, input);
  const { planIngest, ingestFile } = createIngestActivities({ store });
  const { findDuplicateIds, dropDuplicates } = createDedupeActivities({ store });
  const started = performance.now();
  const plan = await run(planIngest, { month });
  const parts: FileIngestResult[] = await Promise.all(
    plan.files.map((file, part) => run(ingestFile, { month, specKey: plan.specKey, file: file.key, part, idShards: plan.idShards })),
  );
  const partsDone = performance.now();
  const shards = new Map<number, { part: number; file: string; key: string }[]>();
  for (const p of parts) for (const { shard, key } of p.idLists) shards.set(shard, [...(shards.get(shard) ?? []), { part: p.part, file: p.file, key }]);
  const found = (await Promise.all([...shards].map(([shard, lists]) => run(findDuplicateIds, { month, shard, lists })))).flat();
  const dropped = await Promise.all(
    found.map(({ part, key }) => run(dropDuplicates, { month, part, file: parts[part]!.file, examples: parts[part]!.examples, duplicates: [key] })),
  );
  const duplicates = dropped.reduce((s, d) => s + d.dropped, 0);
  const phases = `parts ${((partsDone - started) / 1000).toFixed(2)} s, duplicate pass ${((performance.now() - partsDone) / 1000).toFixed(2)} s`;
  const sum = (pick: (p: FileIngestResult) => number) => parts.reduce((s, p) => s + pick(p), 0);
  const [accepted, quarantined] = [sum((p) => p.accepted) - duplicates, sum((p) => p.quarantined) + duplicates];
  const note = `${thousands(accepted)} accepted + ${thousands(quarantined)} quarantined (${thousands(duplicates)} duplicate ids); ${phases}`;
  return { rows: sum((p) => p.rows), bytes, note };
}

/** Every 100th row of a file again, in a file planned after it: the duplicate-id pass then has rows to drop. */
async function writeRepeats(store: GcsStore, key: string): Promise<string> {
  const lines = (await store.get(key)).toString('utf8').split('\n');
  const repeats = [lines[0], ...lines.slice(1).filter((line, i) => i % 100 === 0 && line !== '')];
  const repeatsKey = `raw/${month}/zz-repeats.csv`;
  await store.put(repeatsKey, `${repeats.join('\n')}\n`);
  return repeatsKey;
}

const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'adclick-ingest-speed-'));
const gcs = await startFakeGcsServer({ port: await freePort(), logFile: path.join(dir, 'fake-gcs-server.log') });
try {
  const store = new GcsStore({ bucket: 'ingest-speed', apiEndpoint: gcs.endpoint, projectId: 'bench' });
  await store.ensureBucket();
  const generated = await generateMonth(store, {
    month,
    impressions,
    files: Number(values.files),
    dirt: { malformedRows: 0.02, outOfRangeRows: 0.01 },
  });
  const keys = [...generated.files.map((f) => f.key), await writeRepeats(store, generated.files[0]!.key)];
  const { rows, bytes } = await rawRead(store, keys);
  console.log(
    `== ingest speed: ${thousands(rows)} rows in ${keys.length} CSVs (${(bytes / 1e6).toFixed(1)} MB) on fake-gcs-server, ` +
      `${thousands(generated.dirt.cleanRows)} clean, the last file repeating every 100th row of the first, ` +
      `${rounds} rounds, ${os.cpus().length} cores, load average ${loadAverages()} ==`,
  );
  const passes = {
    raw: () => rawRead(store, keys),
    'csv-parse': () => csvParse(store, keys, bytes),
    ingest: () => ingest(store, bytes),
  };
  const names = Object.keys(passes) as (keyof typeof passes)[];
  const ratios: Record<'raw' | 'csvParse' | 'cpuRaw' | 'cpuCsvParse', number[]> = { raw: [], csvParse: [], cpuRaw: [], cpuCsvParse: [] };
  const rates: Record<string, number[]> = { raw: [], 'csv-parse': [], ingest: [] };
  for (let round = 1; round <= rounds; round++) {
    const order = names.map((_, i) => names[(i + round - 1) % names.length]!);
    const result: Partial<Record<keyof typeof passes, Pass>> = {};
    for (const name of order) {
      const pass = await timed(passes[name]);
      result[name] = pass;
      rates[name]!.push(pass.rows / pass.seconds);
      const mb = pass.bytes / 1e6 / pass.seconds;
      console.log(
        `round ${round} ${name.padEnd(9)}: ${thousands(pass.rows)} rows in ${pass.seconds.toFixed(2)} s (CPU ${pass.cpuSeconds.toFixed(2)} s) = ` +
          `${thousands(pass.rows / pass.seconds)} rows/s, ${mb.toFixed(1)} MB/s${pass.note ? ` (${pass.note})` : ''}`,
      );
    }
    // Same objects, so the ratio of rates is the ratio of times (row counts differ only by how each counts).
    ratios.raw.push(result.raw!.seconds / result.ingest!.seconds);
    ratios.csvParse.push(result['csv-parse']!.seconds / result.ingest!.seconds);
    ratios.cpuRaw.push(result.raw!.cpuSeconds / result.ingest!.cpuSeconds);
    ratios.cpuCsvParse.push(result['csv-parse']!.cpuSeconds / result.ingest!.cpuSeconds);
    console.log(
      `round ${round}: ingest ÷ raw ${ratios.raw.at(-1)!.toFixed(3)}, ingest ÷ csv-parse ${ratios.csvParse.at(-1)!.toFixed(3)} ` +
        `(by CPU time ${ratios.cpuRaw.at(-1)!.toFixed(3)}, ${ratios.cpuCsvParse.at(-1)!.toFixed(3)}); load average ${loadAverages()}`,
    );
  }
  console.log(
    `median rows/s: raw ${thousands(median(rates.raw!))}, csv-parse ${thousands(median(rates['csv-parse']!))}, ingest ${thousands(median(rates.ingest!))}; ` +
      `median ingest ÷ raw ${median(ratios.raw).toFixed(3)}, ingest ÷ csv-parse ${median(ratios.csvParse).toFixed(3)} ` +
      `(by CPU time ${median(ratios.cpuRaw).toFixed(3)}, ${median(ratios.cpuCsvParse).toFixed(3)}); load average ${loadAverages()}`,
  );
} finally {
  await gcs.stop();
  await fs.rm(dir, { recursive: true, force: true });
}
