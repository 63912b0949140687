// Streams a month's rows into raw/<month>/<name>-NNN.csv[.gz], split evenly over the files, and each
// row's true click probability into truth/<month>/click-probability.csv, one row at a time, so a month
// of millions of rows never sits in memory. Every generator writes its rows through here.
import type { BlobStore } from '../storage/blob-store';
import { BlobSink } from './blob-sink';
import { csvLine } from './csv-row';

export const clickProbabilityKey = (month: string) => `truth/${month}/click-probability.csv`;

export interface MonthCsvPlan {
  month: string;
  rows: number;
  files: number;
  gzip: boolean;
  /** Files are named <fileName>-001.csv, … */
  fileName: string;
  columns: readonly string[];
}

export interface CsvRow {
  id: string;
  /** The true click probability, written to the truth file. */
  p: number;
  fields: readonly (string | number)[];
}

export async function writeMonthCsv(store: BlobStore, plan: MonthCsvPlan, rowAt: (index: number) => CsvRow): Promise<{ key: string; rows: number }[]> {
  const files: { key: string; rows: number }[] = [];
  const truth = new BlobSink(store, clickProbabilityKey(plan.month), { contentType: 'text/csv' });
  await truth.write('impression_id,p\r\n');
  let index = 0;
  for (let file = 0; file < plan.files; file++) {
    const end = Math.floor(((file + 1) * plan.rows) / plan.files);
    const key = `raw/${plan.month}/${plan.fileName}-${String(file + 1).padStart(3, '0')}.csv${plan.gzip ? '.gz' : ''}`;
    const sink = new BlobSink(store, key, { gzip: plan.gzip, contentType: 'text/csv' });
    await sink.write(csvLine(plan.columns));
    const firstRow = index;
    for (; index < end; index++) {
      const row = rowAt(index);
      await sink.write(csvLine(row.fields));
      await truth.write(`${row.id},${row.p.toPrecision(6)}\r\n`);
    }
    await sink.end();
    files.push({ key, rows: index - firstRow });
  }
  await truth.end();
  return files;
}
