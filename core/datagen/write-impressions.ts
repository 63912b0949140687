// Streams a month's impressions into raw/<month>/impressions-NNN.csv[.gz] and, alongside, every
// impression's true click probability into truth/<month>/click-probability.csv. The truth lists every
// impression, dirty rows included, with p computed from the values before they were spoiled.
import type { BlobStore } from '../storage/blob-store';
import type { Ad } from './ads';
import { FILE_COLUMNS, impressionFields } from './csv-row';
import type { ImageStatus } from './image-dirt';
import { ImpressionSampler } from './impressions';
import { writeMonthCsv } from './month-csv';
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

export async function writeImpressions(
  store: BlobStore,
  plan: ImpressionPlan,
  ads: Ad[],
  imageStatuses: ImageStatus[],
  random: Random,
): Promise<WrittenImpressions> {
  const sampler = new ImpressionSampler(plan.month, ads, plan.drift, random.fork('impressions'));
  const dirt = new RowDirt(plan.impressions, plan.malformedRows, plan.outOfRangeRows, random.fork('row-dirt'));
  const statusOf = new Map(ads.map((ad, i) => [ad.id, imageStatuses[i]!]));
  const written: WrittenImpressions = {
    files: [],
    clicks: 0,
    sumP: 0,
    emptyPastClicks: 0,
    rowDirt: dirt.counts,
    rowsWithMissingImage: 0,
    rowsWithCorruptImage: 0,
  };

  const csvPlan = { month: plan.month, rows: plan.impressions, files: plan.files, gzip: plan.gzip, fileName: 'impressions', columns: FILE_COLUMNS };
  written.files = await writeMonthCsv(store, csvPlan, (index) => {
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
    return { id: impression.id, p: impression.p, fields };
  });
  return written;
}
