// The shop generator's options (the ones every generator takes) and the summary it returns and writes
// to truth/<month>/summary.json.
import { z } from 'zod';
import { monthDataFields, parseOptions } from '../datagen/month-options';

export const shopMonthOptionsSchema = z
  .object(monthDataFields)
  .refine((o) => o.files <= o.impressions, { message: 'files must not exceed impressions', path: ['files'] });

export type ShopMonthOptions = z.input<typeof shopMonthOptionsSchema>;

export function parseShopMonthOptions(input: ShopMonthOptions): z.output<typeof shopMonthOptionsSchema> {
  return parseOptions(shopMonthOptionsSchema, input);
}

export interface ShopMonthSummary {
  generator: 'shop';
  month: string;
  seed: number;
  catalogSeed: number;
  impressions: number;
  clicks: number;
  observedCtr: number;
  /** Mean true click probability over all events. */
  meanTrueCtr: number;
  ads: number;
  /** Campaigns the month before did not serve (truth/<month>/ads.csv marks them). */
  newAds: number;
  advertisers: number;
  files: { key: string; rows: number }[];
  spec: string;
  images: { written: number };
  truth: { clickProbability: string; ads: string; summary: string };
}
