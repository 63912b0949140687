// truth/<month>/ads.csv: each ad's first month (new = the month before did not serve it), hidden
// attributes and logit parts, for cold-start benchmarks, tests and for explaining what a model
// learned. Kept outside raw/ so the pipeline never trains on it.
import type { Ad } from './ads';
import { csvLine } from './csv-row';
import type { ImageStatus } from './image-dirt';

const COLUMNS = [
  'ad_id',
  'first_month',
  'new',
  'advertiser',
  'ad_category',
  'headline',
  'image_path',
  'image_format',
  'image_status',
  'has_cta',
  'hue',
  'brightness',
  'text_at',
  'serving_weight',
  'logit_category',
  'logit_advertiser',
  'logit_own',
  'logit_headline',
  'logit_image',
];

export const adsTruthKey = (month: string) => `truth/${month}/ads.csv`;

const round = (value: number) => Number(value.toFixed(4));

export function adsTruthCsv(ads: Ad[], statuses: ImageStatus[]): string {
  const rows = ads.map((ad, i) =>
    csvLine([
      ad.id,
      ad.firstMonth,
      ad.isNew ? 1 : 0,
      ad.advertiser,
      ad.category,
      ad.headline,
      ad.imagePath,
      ad.format,
      statuses[i]!,
      ad.look.hasCta ? 1 : 0,
      round(ad.look.hue),
      round(ad.look.brightness),
      ad.look.textAt,
      round(ad.servingWeight),
      round(ad.logit.category),
      round(ad.logit.advertiser),
      round(ad.logit.own),
      round(ad.logit.headline),
      round(ad.logit.image),
    ]),
  );
  return csvLine(COLUMNS) + rows.join('');
}
