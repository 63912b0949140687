// Writes one realistic month of ad impressions into a store: raw/<month>/ (CSV files and banner
// images, the pipeline's input) and truth/<month>/ (true click probabilities and a summary).
import { listAll, putJson, type BlobStore } from '../storage/blob-store';
import { buildAds } from './ads';
import { adsTruthCsv, adsTruthKey } from './ads-truth';
import { pickImageStatuses } from './image-dirt';
import { parseGenerateMonthOptions, type GeneratedMonthSummary, type GenerateMonthOptions } from './options';
import { hashSeed, Random } from '../random';
import { writeBanners } from './write-banners';
import { clickProbabilityKey, writeImpressions } from './write-impressions';

export type { GeneratedMonthSummary, GenerateMonthOptions } from './options';

export const summaryKey = (month: string) => `truth/${month}/summary.json`;

/** Removes what an earlier run left in the month's folders and this run did not rewrite (e.g. a
 *  fourth CSV file when this run writes three), so the folders hold exactly what the summary says. */
async function removeLeftovers(store: BlobStore, month: string, written: Set<string>): Promise<void> {
  for (const prefix of [`raw/${month}/`, `truth/${month}/`]) {
    for (const { key } of await listAll(store, prefix)) if (!written.has(key)) await store.delete(key);
  }
}

function resolveSeed(month: string, seed: number | string | undefined): number {
  if (typeof seed === 'number') return seed >>> 0;
  return hashSeed(seed ?? `adclick:${month}`);
}

export async function generateMonth(store: BlobStore, input: GenerateMonthOptions): Promise<GeneratedMonthSummary> {
  const options = parseGenerateMonthOptions(input);
  const { month, dirt } = options;
  const seed = resolveSeed(month, options.seed);
  const random = new Random(seed);
  const ads = buildAds(options.ads, options.imageFormat, random.fork('ads'));
  const imageStatuses = pickImageStatuses(ads.length, dirt.missingImages, dirt.corruptImages, random.fork('image-dirt'));

  const [banners, impressions] = await Promise.all([
    writeBanners(store, month, ads, imageStatuses, random.fork('banners')),
    writeImpressions(store, { ...options, malformedRows: dirt.malformedRows, outOfRangeRows: dirt.outOfRangeRows }, ads, imageStatuses, random),
  ]);
  await store.put(adsTruthKey(month), adsTruthCsv(ads, imageStatuses), { contentType: 'text/csv' });

  const { rowDirt } = impressions;
  const summary: GeneratedMonthSummary = {
    month,
    seed,
    drift: options.drift,
    impressions: options.impressions,
    clicks: impressions.clicks,
    observedCtr: impressions.clicks / options.impressions,
    meanTrueCtr: impressions.sumP / options.impressions,
    ads: ads.length,
    advertisers: new Set(ads.map((ad) => ad.advertiser)).size,
    files: impressions.files,
    images: banners,
    emptyPastClicks: impressions.emptyPastClicks,
    dirt: {
      malformedRows: rowDirt.malformed,
      outOfRangeRows: rowDirt.outOfRange,
      missingImages: imageStatuses.filter((s) => s === 'missing').length,
      corruptImages: imageStatuses.filter((s) => s === 'corrupt').length,
      rowsWithMissingImage: impressions.rowsWithMissingImage,
      rowsWithCorruptImage: impressions.rowsWithCorruptImage,
      cleanRows: options.impressions - rowDirt.malformed.total - rowDirt.outOfRange.total - impressions.rowsWithMissingImage - impressions.rowsWithCorruptImage,
    },
    truth: { clickProbability: clickProbabilityKey(month), ads: adsTruthKey(month), summary: summaryKey(month) },
  };
  await putJson(store, summaryKey(month), summary);
  const images = ads.filter((_, i) => imageStatuses[i] !== 'missing').map((ad) => `raw/${month}/${ad.imagePath}`);
  await removeLeftovers(store, month, new Set([...summary.files.map((f) => f.key), ...images, ...Object.values(summary.truth)]));
  return summary;
}
