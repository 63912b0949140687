// The shop generator's options (the ones every generator takes) and the summary it returns and writes
// to truth/<month>/summary.json.
import { z } from 'zod';
import { monthDataFields, parseOptions, type MonthSummaryBase } from '../datagen/month-options';

export const shopMonthOptionsSchema = z
  .object(monthDataFields)
  .refine((o) => o.files <= o.impressions, { message: 'files must not exceed impressions', path: ['files'] });

export type ShopMonthOptions = z.input<typeof shopMonthOptionsSchema>;

export function parseShopMonthOptions(input: ShopMonthOptions): z.output<typeof shopMonthOptionsSchema> {
  return parseOptions(shopMonthOptionsSchema, input);
}

export interface ShopMonthSummary extends MonthSummaryBase {
  generator: 'shop';
  spec: string;
  images: { written: number };
  truth: { clickProbability: string; ads: string; summary: string };
}
