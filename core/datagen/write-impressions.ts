// Streams a month's impressions into raw/<month>/impressions-NNN.csv[.gz] and, alongside, every
// impression's true click probability into truth/<month>/click-probability.csv. The truth lists every
// impression, dirty rows included, with p computed from the values before they were spoiled.
import type { BlobStore } from '../storage/blob-store';
import type { Ad } from './ads';
import { BlobSink } from './blob-sink';
import { csvLine, FILE_COLUMNS, impressionFields } from './csv-row';
import type { ImageStatus } from './image-dirt';
import { ImpressionSampler } from './impressions';
import type { Random } from '../random';
import { RowDirt, type RowDirtCounts } from './row-dirt';

export interface WrittenImpressions {
  files: { key: string; rows: number }[];
  clicks: number;
  sumP: number;
  emptyPastClicks: number;
  rowDirt: RowDirtCounts;
  rowsWithMissingImage: number;
  rowsWithCorruptImage: number;
}

export interface ImpressionPlan {
  month: string;
  impressions: number;
  files: number;
  gzip: boolean;
  drift: number;
  malformedRows: number;
  outOfRangeRows: number;
}

export const clickProbabilityKey = (month: string) => `truth/${month}/click-probability.csv`;

export async function writeImpressions(store: BlobStore, plan: ImpressionPlan, ads: Ad[], imageStatuses: ImageStatus[], random: Random): Promise<WrittenImpressions> {
  const sampler = new ImpressionSampler(plan.month, ads, plan.drift, random.fork('impressions'));
  const dirt = new RowDirt(plan.impressions, plan.malformedRows, plan.outOfRangeRows, random.fork('row-dirt'));
  const statusOf = new Map(ads.map((ad, i) => [ad.id, imageStatuses[i]!]));
  const written: WrittenImpressions = { files: [], clicks: 0, sumP: 0, emptyPastClicks: 0, rowDirt: dirt.counts, rowsWithMissingImage: 0, rowsWithCorruptImage: 0 };

  const truth = new BlobSink(store, clickProbabilityKey(plan.month), { contentType: 'text/csv' });
  await truth.write('impression_id,p\r\n');
  let index = 0;
  for (let file = 0; file < plan.files; file++) {
    const end = Math.floor(((file + 1) * plan.impressions) / plan.files);
    const key = `raw/${plan.month}/impressions-${String(file + 1).padStart(3, '0')}.csv${plan.gzip ? '.gz' : ''}`;
    const sink = new BlobSink(store, key, { gzip: plan.gzip, contentType: 'text/csv' });
    await sink.write(csvLine(FILE_COLUMNS));
    const firstRow = index;
    for (; index < end; index++) {
      const impression = sampler.sample(index);
      written.clicks += impression.clicked;
      written.sumP += impression.p;
      if (impression.pastClicks === null) written.emptyPastClicks++;
      const fields = impressionFields(impression);
      if (!dirt.apply(fields)) {
        const status = statusOf.get(impression.ad.id);
        if (status === 'missing') written.rowsWithMissingImage++;
        else if (status === 'corrupt') written.rowsWithCorruptImage++;
      }
      await sink.write(csvLine(fields));
      await truth.write(`${impression.id},${impression.p.toPrecision(6)}\r\n`);
    }
    await sink.end();
    written.files.push({ key, rows: index - firstRow });
  }
  await truth.end();
  return written;
}
