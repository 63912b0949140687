// Writes one month of the shop generator's data into a store: raw/<month>/ (event CSV files, one
// creative per campaign and the month's spec.json, the pipeline's input) and truth/<month>/ (true
// click probabilities, the campaigns, a summary). Mechanics: see click-model.ts.
import { putJson, type BlobStore } from '../storage/blob-store';
import { catalogWindow } from '../datagen/catalog-window';
import { resolveSeed } from '../datagen/month-options';
import { clickProbabilityKey, writeMonthCsv } from '../datagen/month-csv';
import { removeLeftovers } from '../datagen/remove-leftovers';
import { Random } from '../random';
import { buildCampaigns } from './campaigns';
import { campaignsTruthCsv, campaignsTruthKey } from './campaigns-truth';
import { eventFields, EVENT_COLUMNS } from './event-row';
import { EventSampler } from './events';
import { parseShopMonthOptions, type ShopMonthOptions, type ShopMonthSummary } from './options';
import { buildSites } from './sites';
import { shopFeatureSpec, shopSpecKey } from './spec';
import { writeCreatives } from './write-creatives';

export type { ShopMonthOptions, ShopMonthSummary } from './options';

export const shopSummaryKey = (month: string) => `truth/${month}/summary.json`;

export async function generateShopMonth(store: BlobStore, input: ShopMonthOptions): Promise<ShopMonthSummary> {
  const options = parseShopMonthOptions(input);
  const { month } = options;
  const seed = resolveSeed(options.seed, `shop:${month}`);
  const catalogSeed = resolveSeed(options.catalogSeed, 'shop:catalogue');
  const catalog = new Random(catalogSeed);
  const campaigns = buildCampaigns(catalogWindow(month, options.ads, options.newAdShare), catalog.fork('campaigns'));
  const sampler = new EventSampler(month, campaigns, buildSites(catalog.fork('sites')), new Random(seed).fork('events'));

  let clicks = 0;
  let sumP = 0;
  const plan = { month, rows: options.impressions, files: options.files, gzip: options.gzip, fileName: 'events', columns: EVENT_COLUMNS };
  const [images, files] = await Promise.all([
    writeCreatives(store, month, campaigns, catalog.fork('creatives')),
    writeMonthCsv(store, plan, (index) => {
      const event = sampler.sample(index);
      clicks += event.clicked;
      sumP += event.p;
      return { id: event.id, p: event.p, fields: eventFields(event) };
    }),
    putJson(store, shopSpecKey(month), shopFeatureSpec),
    store.put(campaignsTruthKey(month), campaignsTruthCsv(campaigns), { contentType: 'text/csv' }),
  ]);

  const summary: ShopMonthSummary = {
    generator: 'shop',
    month,
    seed,
    catalogSeed,
    impressions: options.impressions,
    clicks,
    observedCtr: clicks / options.impressions,
    meanTrueCtr: sumP / options.impressions,
    ads: campaigns.length,
    newAds: campaigns.filter((c) => c.isNew).length,
    advertisers: new Set(campaigns.map((c) => c.merchant)).size,
    files,
    spec: shopSpecKey(month),
    images: { written: images.length },
    truth: { clickProbability: clickProbabilityKey(month), ads: campaignsTruthKey(month), summary: shopSummaryKey(month) },
  };
  await putJson(store, shopSummaryKey(month), summary);
  await removeLeftovers(store, month, new Set([...files.map((f) => f.key), ...images, summary.spec, ...Object.values(summary.truth)]));
  return summary;
}
