// The shop generator writes the same store contract as the first one with other columns and other
// click mechanics: rows its own spec accepts, a realistic click rate explained by the truth file,
// signal where the mechanics put it, reproducible bytes, and campaigns that persist across months.
import { parse } from 'csv-parse/sync';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultFeatureSpec } from '../core/features/default-spec';
import { monthRange } from '../core/features/month';
import { parseRow } from '../core/features/parse-row';
import { parseFeatureSpec, type FeatureSpec } from '../core/features/spec';
import { generateShopMonth, type ShopMonthSummary } from '../core/shop-datagen/generate-shop-month';
import { getJson, listAll, type BlobStore } from '../core/storage/blob-store';
import { freshLocalStore } from './helpers/stack';

const MONTH = '2026-10';
const SMALL = { impressions: 20_000, ads: 200, files: 2 };

type Row = Record<string, string>;

async function readRows(store: BlobStore, key: string): Promise<Row[]> {
  return parse(await store.get(key), { columns: true }) as Row[];
}

async function readEvents(store: BlobStore, month: string): Promise<Row[]> {
  const rows: Row[] = [];
  for (const { key } of await listAll(store, `raw/${month}/events-`)) rows.push(...(await readRows(store, key)));
  return rows;
}

const mean = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;

describe('generateShopMonth', () => {
  let store: BlobStore;
  let summary: ShopMonthSummary;
  let spec: FeatureSpec;
  let rows: Row[];
  let truthP: Map<string, number>;

  beforeAll(async () => {
    store = await freshLocalStore();
    summary = await generateShopMonth(store, { month: MONTH, ...SMALL });
    spec = parseFeatureSpec(await getJson(store, `raw/${MONTH}/spec.json`));
    rows = await readEvents(store, MONTH);
    truthP = new Map((await readRows(store, `truth/${MONTH}/click-probability.csv`)).map((r) => [r.impression_id!, Number(r.p)]));
  });

  it('writes columns of its own, which its spec accepts row by row with no rejects', () => {
    const header = Object.keys(rows[0]!);
    expect([...header].sort()).toEqual(spec.columns.map((c) => c.name).sort());
    const shared = header.filter((name) => defaultFeatureSpec.columns.some((c) => c.name === name));
    expect(shared).toEqual([]);
    expect(rows).toHaveLength(SMALL.impressions);
    expect(summary.files.map((f) => f.rows)).toEqual([10_000, 10_000]);
    const rejects = rows.map((row) => parseRow(spec, row, { requireLabel: true, timeRange: monthRange(MONTH) })).filter((r) => !r.ok);
    expect(rejects).toEqual([]);
    expect(new Set(rows.map((r) => r.event_id)).size).toBe(rows.length);
  });

  it('exercises quoting, UTF-8 and an optional numeric column', () => {
    expect(rows.some((r) => r.ad_title!.includes(','))).toBe(true);
    expect(rows.some((r) => r.ad_title!.includes('"'))).toBe(true);
    expect(rows.some((r) => /[^\x00-\x7f]/.test(r.ad_title!))).toBe(true);
    const firstVisits = rows.filter((r) => r.hours_since_last_visit === '');
    expect(firstVisits.length).toBeGreaterThan(0);
    expect(firstVisits.every((r) => r.user_segment === 'new_visitor')).toBe(true);
  });

  it('has a click rate of 1–3% that the truth file explains, one p per row', () => {
    const observed = mean(rows.map((r) => Number(r.is_click)));
    expect(observed).toBe(summary.observedCtr);
    expect(observed).toBeGreaterThan(0.01);
    expect(observed).toBeLessThan(0.03);
    expect(truthP.size).toBe(rows.length);
    expect([...truthP.keys()].sort()).toEqual(rows.map((r) => r.event_id!).sort());
    const meanP = mean([...truthP.values()]);
    expect(Math.abs(meanP - observed)).toBeLessThan(4 * Math.sqrt((meanP * (1 - meanP)) / rows.length));
  });

  it('puts signal where the mechanics say: steps, interactions, title words', () => {
    const meanP = (filter: (r: Row) => boolean) => mean(rows.filter(filter).map((r) => truthP.get(r.event_id!)!));
    expect(meanP((r) => Number(r.discount_pct) >= 30)).toBeGreaterThan(1.4 * meanP((r) => r.discount_pct === '0'));
    const bargain = (r: Row) => r.user_segment === 'bargain_hunter';
    expect(meanP((r) => bargain(r) && r.page_category === 'deals')).toBeGreaterThan(1.5 * meanP((r) => bargain(r) && r.page_category !== 'deals'));
    expect(meanP((r) => /bestseller/i.test(r.ad_title!))).toBeGreaterThan(meanP((r) => /preorder/i.test(r.ad_title!)));
  });

  it('renders creatives whose border and saturation show in the pixels the pipeline sees', async () => {
    const ads = await readRows(store, `truth/${MONTH}/ads.csv`);
    expect(new Set(rows.map((r) => r.creative)).size).toBeLessThanOrEqual(ads.length);
    const pixels = async (ad: Row) => {
      const image = sharp(await store.get(`raw/${MONTH}/${ad.image_path}`));
      return (await image.resize(32, 32).raw().toBuffer({ resolveWithObject: true })).data;
    };
    const edgeBrightness = async (ad: Row) => {
      const data = await pixels(ad);
      let sum = 0;
      for (let x = 0; x < 32; x++) sum += data[x * 3]! + data[x * 3 + 1]! + data[x * 3 + 2]!;
      return sum / (32 * 3);
    };
    const colourfulness = async (ad: Row) => {
      const data = await pixels(ad);
      let sum = 0;
      for (let i = 0; i < data.length; i += 3) sum += Math.max(data[i]!, data[i + 1]!, data[i + 2]!) - Math.min(data[i]!, data[i + 1]!, data[i + 2]!);
      return sum / (data.length / 3);
    };
    const framed = ads.filter((ad) => ad.border === '1');
    const unframed = ads.filter((ad) => ad.border === '0');
    expect(Math.max(...(await Promise.all(framed.map(edgeBrightness))))).toBeLessThan(50);
    expect(mean(await Promise.all(unframed.map(edgeBrightness)))).toBeGreaterThan(100);
    const vivid = ads.filter((ad) => Number(ad.saturation) > 0.7);
    const washed = ads.filter((ad) => Number(ad.saturation) < 0.3);
    expect(mean(await Promise.all(vivid.map(colourfulness)))).toBeGreaterThan(mean(await Promise.all(washed.map(colourfulness))) + 60);
    const metadata = await sharp(await store.get(`raw/${MONTH}/${ads[0]!.image_path}`)).metadata();
    expect([metadata.format, metadata.width, metadata.height]).toEqual(['png', 64, 64]);
  });

  it('reproduces the same bytes from the same seed; another seed draws other events', async () => {
    const again = await freshLocalStore();
    await generateShopMonth(again, { month: MONTH, ...SMALL });
    const objects = await listAll(store, '');
    expect((await listAll(again, '')).map((b) => b.key)).toEqual(objects.map((b) => b.key));
    for (const { key } of objects) expect((await again.get(key)).equals(await store.get(key)), key).toBe(true);
    const reseeded = await freshLocalStore();
    await generateShopMonth(reseeded, { month: MONTH, ...SMALL, seed: 99 });
    expect((await reseeded.get(`raw/${MONTH}/events-001.csv`)).equals(await store.get(`raw/${MONTH}/events-001.csv`))).toBe(false);
    expect((await reseeded.get(`truth/${MONTH}/ads.csv`)).equals(await store.get(`truth/${MONTH}/ads.csv`))).toBe(true);
  });

  it('keeps most campaigns next month, identical down to the image bytes, and marks the configured share as new', async () => {
    const months = await freshLocalStore();
    await generateShopMonth(months, { month: MONTH, ...SMALL, newAdShare: 0.3 });
    const next = await generateShopMonth(months, { month: '2026-11', ...SMALL, newAdShare: 0.3 });
    expect(next.newAds).toBe(60);
    const before = new Map((await readRows(months, `truth/${MONTH}/ads.csv`)).map((ad) => [ad.ad_id!, ad]));
    const after = await readRows(months, 'truth/2026-11/ads.csv');
    const continuing = after.filter((ad) => before.has(ad.ad_id!));
    expect(continuing).toHaveLength(140);
    expect(after.filter((ad) => ad.new === '1').map((ad) => ad.ad_id)).toEqual(after.filter((ad) => !before.has(ad.ad_id!)).map((ad) => ad.ad_id));
    expect(after.filter((ad) => ad.new === '1').every((ad) => ad.first_month === '2026-11')).toBe(true);
    for (const ad of continuing) {
      const old = before.get(ad.ad_id!)!;
      for (const column of ['ad_title', 'item_price', 'product_type', 'merchant', 'image_path', 'logit_own']) {
        expect(ad[column], `${ad.ad_id} ${column}`).toBe(old[column]);
      }
      expect((await months.get(`raw/2026-11/${ad.image_path}`)).equals(await months.get(`raw/${MONTH}/${old.image_path}`))).toBe(true);
    }
    const served = new Set((await readEvents(months, '2026-11')).map((r) => r.campaign_id!));
    expect([...served].filter((id) => before.has(id)).length).toBeGreaterThan(100);
  });
});
