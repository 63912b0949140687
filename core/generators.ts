// The data generators by name, for the command line and the benchmarks: each writes a month in the
// store contract (README "Data contract") from the same common options.
import { z } from 'zod';
import { generateMonth } from './datagen/generate-month';
import { monthDataFields } from './datagen/month-options';
import { generateShopMonth } from './shop-datagen/generate-shop-month';
import type { BlobStore } from './storage/blob-store';

export const GENERATOR_NAMES = ['adclick', 'shop'] as const;
export type GeneratorName = (typeof GENERATOR_NAMES)[number];

export type CommonMonthOptions = z.input<z.ZodObject<typeof monthDataFields>>;

export interface GeneratedMonth {
  month: string;
  impressions: number;
  clicks: number;
  observedCtr: number;
  ads: number;
  newAds: number;
}

export interface DataGenerator {
  name: GeneratorName;
  /** The CSV column naming each row's ad, so a benchmark can tell ads a model has seen from new ones. */
  adColumn: string;
  /** A clean month (no dirt, no drift). */
  generate(store: BlobStore, options: CommonMonthOptions): Promise<GeneratedMonth>;
}

export const GENERATORS: Readonly<Record<GeneratorName, DataGenerator>> = {
  adclick: { name: 'adclick', adColumn: 'ad_id', generate: generateMonth },
  shop: { name: 'shop', adColumn: 'campaign_id', generate: generateShopMonth },
};

export function isGeneratorName(name: string): name is GeneratorName {
  return (GENERATOR_NAMES as readonly string[]).includes(name);
}
