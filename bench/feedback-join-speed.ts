// Benchmark (not a test): the feedback join (core/feedback/partitioned-join.ts) on N logged predictions and N
// examples in a temp local bucket, inside an AsyncLocalStorage context as an activity runs it (its hooks follow
// every promise), against the baseline of the same run: reading and parsing both sides' shards and nothing else.
// Interleaved rounds; prints rows/s of each, join ÷ read per round and the median, and the load average.
// usage: tsx bench/feedback-join-speed.ts [--rows 300000 --partitions 8 --rounds 3]
import { AsyncLocalStorage } from 'node:async_hooks';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { partitionedJoin } from '../core/feedback/partitioned-join';
import { LocalStore } from '../core/storage/local-store';
import { JsonLinesWriter, readJsonLineBatches } from '../core/storage/lines';
import { loadAverages, median, thousands } from './report-numbers';

const { values } = parseArgs({
  options: { rows: { type: 'string', default: '300000' }, partitions: { type: 'string', default: '8' }, rounds: { type: 'string', default: '3' } },
});
const rows = Number(values.rows);
const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'adclick-join-speed-'));
const store = new LocalStore(dir);
const PREDICTIONS = 'predictions/2026-07-01/a-000000.jsonl.gz';
const EXAMPLES = 'artifacts/2026-07/examples/part-00000.jsonl.gz';

// Every impression served once and in the month; a tenth served twice (the join keeps the last).
const predictions = new JsonLinesWriter(store, PREDICTIONS);
const examples = new JsonLinesWriter(store, EXAMPLES);
for (let i = 0; i < rows; i++) {
  const at = new Date(Date.UTC(2026, 6, 1, i % 24)).toISOString();
  predictions.add(JSON.stringify({ requestId: `r-${i}`, id: `imp-${i}`, modelVersion: 1, probability: (i % 97) / 97, at }));
  if (i % 10 === 0) predictions.add(JSON.stringify({ requestId: `again-${i}`, id: `imp-${i}`, modelVersion: 1, probability: 0.5, at }));
  examples.add(JSON.stringify({ id: `imp-${i}`, t: 0, y: i % 7 === 0 ? 1 : 0, f: { ad_category: 'sports', user_age: 30 + (i % 40) } }));
  if (i % 1000 === 0) await Promise.all([predictions.flushIfFull(), examples.flushIfFull()]);
}
await Promise.all([predictions.close(), examples.close()]);

const context = new AsyncLocalStorage<object>();
const inContext = <T>(work: () => Promise<T>) => context.run({}, work);

async function readBoth(): Promise<number> {
  let read = 0;
  for (const key of [PREDICTIONS, EXAMPLES]) for await (const batch of readJsonLineBatches(store, key)) read += batch.length;
  return read;
}

async function join(round: number): Promise<number> {
  let joined = 0;
  const input = { store, predictionShards: [PREDICTIONS], exampleShards: [EXAMPLES], partitions: Number(values.partitions), workPrefix: `work-${round}/` };
  await partitionedJoin(input, () => joined++);
  if (joined !== rows) throw new Error(`the join gave ${joined} rows, not ${rows}`);
  return joined;
}

const timed = async (work: () => Promise<number>) => {
  const started = performance.now();
  const count = await inContext(work);
  return { count, seconds: (performance.now() - started) / 1000 };
};

console.log(`== feedback join: ${thousands(rows)} impressions (${thousands(rows * 1.1)} predictions), load average ${loadAverages()} ==`);
const ratios: number[] = [];
try {
  for (let round = 1; round <= Number(values.rounds); round++) {
    const read = await timed(readBoth);
    const joined = await timed(() => join(round));
    // Both sides' rows per second: the join reads what the baseline reads, then partitions, writes and reads them again.
    const readRate = read.count / read.seconds;
    const joinRate = read.count / joined.seconds;
    ratios.push(joinRate / readRate);
    console.log(
      `round ${round}: read ${thousands(readRate)} rows/s (${read.seconds.toFixed(2)} s), join ${thousands(joinRate)} rows/s ` +
        `(${joined.seconds.toFixed(2)} s), join ÷ read ${ratios.at(-1)!.toFixed(2)}, load average ${loadAverages()}`,
    );
  }
  console.log(`median join ÷ read ${median(ratios).toFixed(2)}`);
} finally {
  await fs.rm(dir, { recursive: true, force: true });
}
