// Writes one realistic month of ad impressions into a store: raw/<month>/ (CSV files and banner
// images, the pipeline's input) and truth/<month>/ (true click probabilities and a summary).
import { putJson, type BlobStore } from '../storage/blob-store';
import { buildAds } from './ads';
import { adsTruthCsv, adsTruthKey } from './ads-truth';
import { catalogWindow } from './catalog-window';
import { pickImageStatuses } from './image-dirt';
import { resolveSeed } from './month-options';
import { parseGenerateMonthOptions, type GeneratedMonthSummary, type GenerateMonthOptions } from './options';
import { Random } from '../random';
import { removeLeftovers } from './remove-leftovers';
import { writeBanners } from './write-banners';
import { clickProbabilityKey } from './month-csv';
import { writeImpressions } from './write-impressions';

export type { GeneratedMonthSummary, GenerateMonthOptions } from './options';

export const summaryKey = (month: string) => `truth/${month}/summary.json`;

export async function generateMonth(store: BlobStore, input: GenerateMonthOptions): Promise<GeneratedMonthSummary> {
  const options = parseGenerateMonthOptions(input);
  const { month, dirt } = options;
  const seed = resolveSeed(options.seed, `adclick:${month}`);
  const catalogSeed = resolveSeed(options.catalogSeed, 'adclick:catalogue');
  const random = new Random(seed);
  const catalog = new Random(catalogSeed);
  const ads = buildAds(catalogWindow(month, options.ads, options.newAdShare), options.imageFormat, catalog.fork('ads'));
  const imageStatuses = pickImageStatuses(ads.length, dirt.missingImages, dirt.corruptImages, random.fork('image-dirt'));

  const [banners, impressions] = await Promise.all([
    writeBanners(store, month, ads, imageStatuses, { look: catalog.fork('banners'), dirt: random.fork('banners') }),
    writeImpressions(store, { ...options, malformedRows: dirt.malformedRows, outOfRangeRows: dirt.outOfRangeRows }, ads, imageStatuses, random),
  ]);
  await store.put(adsTruthKey(month), adsTruthCsv(ads, imageStatuses), { contentType: 'text/csv' });

  const { rowDirt } = impressions;
  const summary: GeneratedMonthSummary = {
    month,
    seed,
    catalogSeed,
    drift: options.drift,
    impressions: options.impressions,
    clicks: impressions.clicks,
    observedCtr: impressions.clicks / options.impressions,
    meanTrueCtr: impressions.sumP / options.impressions,
    ads: ads.length,
    newAds: ads.filter((ad) => ad.isNew).length,
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
