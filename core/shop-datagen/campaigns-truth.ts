// truth/<month>/ads.csv for the shop generator: each campaign's first month (new = the month before did
// not serve it), its hidden look and its logit parts. Outside raw/, so the pipeline never trains on it.
import { csvLine } from '../datagen/csv-row';
import type { Campaign } from './campaigns';

const COLUMNS = [
  'ad_id',
  'first_month',
  'new',
  'merchant',
  'product_type',
  'ad_title',
  'item_price',
  'image_path',
  'pattern',
  'border',
  'saturation',
  'shape',
  'hue',
  'brightness',
  'serving_weight',
  'logit_product',
  'logit_merchant',
  'logit_own',
  'logit_title',
  'logit_image',
  'logit_price',
];

export const campaignsTruthKey = (month: string) => `truth/${month}/ads.csv`;

const round = (value: number) => Number(value.toFixed(4));

export function campaignsTruthCsv(campaigns: Campaign[]): string {
  const rows = campaigns.map((c) =>
    csvLine([
      c.id,
      c.firstMonth,
      c.isNew ? 1 : 0,
      c.merchant,
      c.productType,
      c.title,
      c.price.toFixed(2),
      c.imagePath,
      c.look.pattern,
      c.look.border ? 1 : 0,
      round(c.look.saturation),
      c.look.shape,
      round(c.look.hue),
      round(c.look.brightness),
      round(c.servingWeight),
      round(c.logit.product),
      round(c.logit.merchant),
      round(c.logit.own),
      round(c.logit.title),
      round(c.logit.image),
      round(c.logit.price),
    ]),
  );
  return csvLine(COLUMNS) + rows.join('');
}
