// The data generator writes the bucket layout the pipeline reads, with a learnable click model,
// exact dirt counts, and byte-for-byte reproducible months.
import { gunzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultFeatureSpec } from '../core/features/default-spec';
import { catalogWindow } from '../core/datagen/catalog-window';
import { generateMonth, type GeneratedMonthSummary } from '../core/datagen/generate-month';
import { listAll, type BlobStore } from '../core/storage/blob-store';
import { freshGcsStore, freshLocalStore } from './helpers/stack';

const MONTH = '2026-10';
const SMALL = { impressions: 20_000, ads: 200, files: 2 };

type Row = Record<string, string>;

async function readCsv(store: BlobStore, key: string): Promise<string[][]> {
  const bytes = await store.get(key);
  return parse(key.endsWith('.gz') ? gunzipSync(bytes) : bytes, { relax_column_count: true }) as string[][];
}

/** Every impression file of the month, header checked, as records keyed by column name. */
async function readImpressions(store: BlobStore, month: string): Promise<{ header: string[]; records: string[][] }> {
  const keys = (await listAll(store, `raw/${month}/impressions-`)).map((b) => b.key);
  let header: string[] = [];
  const records: string[][] = [];
  for (const key of keys) {
    const [fileHeader, ...rows] = await readCsv(store, key);
    header = fileHeader!;
    records.push(...rows);
  }
  return { header, records };
}

const asRows = (header: string[], records: string[][]): Row[] => records.map((r) => Object.fromEntries(header.map((name, i) => [name, r[i]!])));

/** Validates one record against the default spec the way a strict ingest would. */
function classify(header: string[], record: string[]): 'ok' | 'malformed' | 'outOfRange' {
  if (record.length !== header.length) return 'malformed';
  let outOfRange = false;
  for (const column of defaultFeatureSpec.columns) {
    const value = record[header.indexOf(column.name)]!;
    if (column.role === 'timestamp' && Number.isNaN(Date.parse(value))) return 'malformed';
    if (column.role === 'label' && value !== '0' && value !== '1') return 'malformed';
    if (column.role === 'numeric') {
      if (value === '') {
        if (column.required) return 'malformed';
        continue;
      }
      const number = Number(value);
      if (!Number.isFinite(number)) return 'malformed';
      if ((column.min !== undefined && number < column.min) || (column.max !== undefined && number > column.max)) outOfRange = true;
    } else if (value === '' && ('required' in column ? column.required : true)) return 'malformed';
  }
  return outOfRange ? 'outOfRange' : 'ok';
}

async function decodes(bytes: Buffer): Promise<boolean> {
  return sharp(bytes)
    .raw()
    .toBuffer()
    .then(
      () => true,
      () => false,
    );
}

const mean = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;

describe('generateMonth on a clean month', () => {
  let store: BlobStore;
  let summary: GeneratedMonthSummary;
  let header: string[];
  let rows: Row[];
  let truthP: Map<string, number>;

  beforeAll(async () => {
    store = await freshLocalStore();
    summary = await generateMonth(store, { month: MONTH, ...SMALL });
    const impressions = await readImpressions(store, MONTH);
    header = impressions.header;
    rows = asRows(header, impressions.records);
    const [, ...truth] = await readCsv(store, `truth/${MONTH}/click-probability.csv`);
    truthP = new Map(truth.map(([id, p]) => [id!, Number(p)]));
  });

  it('writes the spec columns in a different order, every row valid, ids unique', async () => {
    const specNames = defaultFeatureSpec.columns.map((c) => c.name);
    expect([...header].sort()).toEqual([...specNames].sort());
    expect(header).not.toEqual(specNames);
    expect(rows).toHaveLength(SMALL.impressions);
    expect(summary.files.map((f) => f.key)).toEqual([`raw/${MONTH}/impressions-001.csv`, `raw/${MONTH}/impressions-002.csv`]);
    expect(summary.files.reduce((sum, f) => sum + f.rows, 0)).toBe(SMALL.impressions);
    expect(new Set(rows.map((r) => r.impression_id)).size).toBe(SMALL.impressions);
    expect(rows.map((r) => classify(header, Object.values(r))).filter((c) => c !== 'ok')).toEqual([]);
    expect(summary.dirt.cleanRows).toBe(SMALL.impressions);
  });

  it('spreads timestamps over the month, with hour_of_day the UTC hour', () => {
    for (const row of rows) {
      const time = new Date(row.timestamp!);
      expect(row.timestamp!.startsWith(MONTH)).toBe(true);
      expect(time.getUTCHours()).toBe(Number(row.hour_of_day));
    }
    expect(new Set(rows.map((r) => r.timestamp!.slice(8, 10))).size).toBe(31);
    const evening = rows.filter((r) => Number(r.hour_of_day) >= 18 && Number(r.hour_of_day) <= 21).length;
    const night = rows.filter((r) => Number(r.hour_of_day) >= 2 && Number(r.hour_of_day) <= 5).length;
    expect(evening).toBeGreaterThan(4 * night);
  });

  it('exercises CSV quoting and the optional past-clicks column', () => {
    expect(rows.some((r) => r.headline!.includes(','))).toBe(true);
    expect(rows.some((r) => r.headline!.includes('"'))).toBe(true);
    const words = rows.map((r) => r.headline!.split(' ').length);
    expect(Math.min(...words)).toBeGreaterThanOrEqual(3);
    expect(Math.max(...words)).toBeLessThanOrEqual(8);
    const empty = rows.filter((r) => r.user_past_clicks_30d === '').length;
    expect(empty).toBe(summary.emptyPastClicks);
    expect(empty / rows.length).toBeGreaterThan(0.03);
    expect(empty / rows.length).toBeLessThan(0.07);
  });

  it('has a realistic click rate that the truth file explains', () => {
    const clicks = rows.filter((r) => r.clicked === '1').length;
    const observed = clicks / rows.length;
    expect(observed).toBe(summary.observedCtr);
    expect(observed).toBeGreaterThan(0.005);
    expect(observed).toBeLessThan(0.05);
    expect([...truthP.keys()].sort()).toEqual(rows.map((r) => r.impression_id).sort());
    const meanP = mean([...truthP.values()]);
    expect(meanP).toBeCloseTo(summary.meanTrueCtr, 4);
    // Four binomial standard errors.
    expect(Math.abs(meanP - observed)).toBeLessThan(4 * Math.sqrt((meanP * (1 - meanP)) / rows.length));
  });

  it('gives every row a banner that decodes at 64×64, in all three formats', async () => {
    const paths = [...new Set(rows.map((r) => r.image_path!))];
    const formats = new Set<string>();
    for (const imagePath of paths) {
      expect(imagePath).toMatch(/^images\/ad-\d+\.(png|jpg|webp)$/);
      const metadata = await sharp(await store.get(`raw/${MONTH}/${imagePath}`)).metadata();
      expect([metadata.width, metadata.height, metadata.channels]).toEqual([64, 64, 3]);
      formats.add(metadata.format);
    }
    expect([...formats].sort()).toEqual(['jpeg', 'png', 'webp']);
  });

  it('puts real signal in the banner, visible in its pixels', async () => {
    const [adHeader, ...adRecords] = await readCsv(store, `truth/${MONTH}/ads.csv`);
    const ads = new Map(asRows(adHeader!, adRecords).map((ad) => [ad.ad_id!, ad]));
    const pOf = (hasCta: string) => mean(rows.filter((r) => ads.get(r.ad_id!)!.has_cta === hasCta).map((r) => truthP.get(r.impression_id!)!));
    expect(pOf('1')).toBeGreaterThan(1.3 * pOf('0'));

    // Warm backgrounds (which click better) are redder than cool ones in the decoded pixels.
    const redness = async (ad: Row) => {
      const { data } = await sharp(await store.get(`raw/${MONTH}/${ad.image_path}`))
        .resize(32, 32)
        .raw()
        .toBuffer({ resolveWithObject: true });
      let sum = 0;
      for (let i = 0; i < data.length; i += 3) sum += data[i]! - data[i + 2]!;
      return sum / (data.length / 3);
    };
    const warmth = (ad: Row) => Math.cos(((Number(ad.hue) - 30) * Math.PI) / 180);
    const warm = [...ads.values()].filter((ad) => warmth(ad) > 0.5);
    const cool = [...ads.values()].filter((ad) => warmth(ad) < -0.5);
    expect(mean(await Promise.all(warm.map(redness)))).toBeGreaterThan(mean(await Promise.all(cool.map(redness))) + 40);
    expect(mean(warm.map((ad) => Number(ad.logit_image)))).toBeGreaterThan(mean(cool.map((ad) => Number(ad.logit_image))) + 0.3);
  });

  it('reproduces the same bytes from the same seed, and another month differs with the season', async () => {
    const again = await freshLocalStore();
    await generateMonth(again, { month: MONTH, ...SMALL });
    const objects = await listAll(store, '');
    expect((await listAll(again, '')).map((b) => b.key)).toEqual(objects.map((b) => b.key));
    for (const { key } of objects) expect((await again.get(key)).equals(await store.get(key)), key).toBe(true);

    const december = await generateMonth(again, { month: '2026-12', ...SMALL });
    expect((await again.get(`raw/2026-12/impressions-001.csv`)).equals(await store.get(`raw/${MONTH}/impressions-001.csv`))).toBe(false);
    expect(december.meanTrueCtr).toBeGreaterThan(1.15 * summary.meanTrueCtr);
  });
});

describe('generateMonth across months', () => {
  let store: BlobStore;
  let october: Map<string, Row>;
  let november: Map<string, Row>;
  let novemberSummary: GeneratedMonthSummary;

  const readAds = async (target: BlobStore, month: string) => {
    const [adHeader, ...records] = await readCsv(target, `truth/${month}/ads.csv`);
    return new Map(asRows(adHeader!, records).map((ad) => [ad.ad_id!, ad]));
  };

  beforeAll(async () => {
    store = await freshLocalStore();
    await generateMonth(store, { month: '2026-10', ...SMALL });
    novemberSummary = await generateMonth(store, { month: '2026-11', ...SMALL });
    [october, november] = await Promise.all([readAds(store, '2026-10'), readAds(store, '2026-11')]);
  });

  it('keeps most ads, each identical in headline, category, advertiser and image bytes', async () => {
    const shared = [...november.keys()].filter((id) => october.has(id));
    expect(shared).toHaveLength(150);
    for (const id of shared) {
      const [before, after] = [october.get(id)!, november.get(id)!];
      for (const column of ['headline', 'ad_category', 'advertiser', 'image_path', 'logit_own', 'serving_weight']) {
        expect(after[column], `${id} ${column}`).toBe(before[column]);
      }
      const [octoberImage, novemberImage] = await Promise.all([store.get(`raw/2026-10/${before.image_path}`), store.get(`raw/2026-11/${after.image_path}`)]);
      expect(novemberImage.equals(octoberImage), id).toBe(true);
    }
    const { records, header } = await readImpressions(store, '2026-11');
    const servedShared = new Set(
      asRows(header, records)
        .map((r) => r.ad_id!)
        .filter((id) => october.has(id)),
    );
    expect(servedShared.size).toBeGreaterThan(100);
  });

  it('marks exactly the configured share of ads as new, from this month on', () => {
    const fresh = [...november.values()].filter((ad) => ad.new === '1');
    expect(novemberSummary.newAds).toBe(50);
    expect(fresh).toHaveLength(50);
    expect(fresh.every((ad) => !october.has(ad.ad_id!) && ad.first_month === '2026-11')).toBe(true);
    const continuing = [...november.values()].filter((ad) => ad.new === '0');
    expect(continuing.every((ad) => october.has(ad.ad_id!) && ad.first_month! <= '2026-10')).toBe(true);
  });

  it("derives a month's ads from the calendar alone: the same generated on its own, with another impression seed, across a year end", async () => {
    const alone = await freshLocalStore();
    await generateMonth(alone, { month: '2026-11', ...SMALL, seed: 7 });
    expect((await alone.get('truth/2026-11/ads.csv')).equals(await store.get('truth/2026-11/ads.csv'))).toBe(true);
    expect((await alone.get('raw/2026-11/impressions-001.csv')).equals(await store.get('raw/2026-11/impressions-001.csv'))).toBe(false);

    const [december, january] = [catalogWindow('2026-12', 200, 0.25), catalogWindow('2027-01', 200, 0.25)];
    expect(january.first - december.first).toBe(50);
  });

  it('follows newAdShare and catalogSeed', async () => {
    const other = await freshLocalStore();
    const summary = await generateMonth(other, { month: '2026-11', ...SMALL, newAdShare: 0.1 });
    expect(summary.newAds).toBe(20);
    await generateMonth(other, { month: '2026-10', ...SMALL, newAdShare: 0.1 });
    const [octoberTen, novemberTen] = [await readAds(other, '2026-10'), await readAds(other, '2026-11')];
    expect([...novemberTen.keys()].filter((id) => octoberTen.has(id))).toHaveLength(180);

    const reseeded = await freshLocalStore();
    await generateMonth(reseeded, { month: '2026-11', ...SMALL, catalogSeed: 'another catalogue' });
    const headlines = [...(await readAds(reseeded, '2026-11')).values()].map((ad) => ad.headline);
    expect(headlines).not.toEqual([...november.values()].map((ad) => ad.headline));
  });
});

describe('generateMonth with dirt', () => {
  it('spoils exactly the rows and images the summary counts', async () => {
    const store = await freshLocalStore();
    const dirt = { malformedRows: 0.01, outOfRangeRows: 0.005, missingImages: 0.05, corruptImages: 0.04 };
    const summary = await generateMonth(store, { month: '2026-03', ...SMALL, dirt });
    const { header, records } = await readImpressions(store, '2026-03');
    expect(records).toHaveLength(SMALL.impressions);

    const kinds = records.map((record) => classify(header, record));
    expect(summary.dirt.malformedRows.total).toBe(200);
    expect(summary.dirt.outOfRangeRows.total).toBe(100);
    expect(kinds.filter((k) => k === 'malformed')).toHaveLength(200);
    expect(kinds.filter((k) => k === 'outOfRange')).toHaveLength(100);

    const imageOf = header.indexOf('image_path');
    const valid = records.filter((_, i) => kinds[i] === 'ok');
    const [adHeader, ...ads] = await readCsv(store, 'truth/2026-03/ads.csv');
    const statusByPath = new Map<string, 'ok' | 'missing' | 'corrupt'>();
    for (const path of ads.map((ad) => ad[adHeader!.indexOf('image_path')]!)) {
      const bytes = await store.get(`raw/2026-03/${path}`).catch(() => undefined);
      statusByPath.set(path, bytes === undefined ? 'missing' : (await decodes(bytes)) ? 'ok' : 'corrupt');
    }
    const statuses = [...statusByPath.values()];
    expect(statuses.filter((s) => s === 'missing')).toHaveLength(summary.dirt.missingImages);
    expect(statuses.filter((s) => s === 'corrupt')).toHaveLength(summary.dirt.corruptImages);
    expect([summary.dirt.missingImages, summary.dirt.corruptImages]).toEqual([10, 8]);
    const rowsWith = (status: string) => valid.filter((r) => statusByPath.get(r[imageOf]!) === status).length;
    expect(rowsWith('missing')).toBe(summary.dirt.rowsWithMissingImage);
    expect(rowsWith('corrupt')).toBe(summary.dirt.rowsWithCorruptImage);
    expect(rowsWith('ok')).toBe(summary.dirt.cleanRows);
  });
});

describe('generateMonth over an earlier run', () => {
  it('leaves only the objects of the latest run in the month folders', async () => {
    const store = await freshLocalStore();
    await generateMonth(store, { month: MONTH, impressions: 1000, ads: 20, files: 3 });
    const summary = await generateMonth(store, { month: MONTH, impressions: 1000, ads: 10, files: 1, gzip: true, dirt: { missingImages: 0.1 } });
    const keys = (await listAll(store, '')).map((b) => b.key);
    expect(keys.filter((k) => k.includes('impressions-'))).toEqual([`raw/${MONTH}/impressions-001.csv.gz`]);
    expect(keys.filter((k) => k.includes('/images/'))).toHaveLength(9);
    expect(keys.filter((k) => k.startsWith('truth/'))).toEqual(Object.values(summary.truth).sort());
  });
});

describe('generateMonth with drift', () => {
  it('shifts devices, ages and placements drastically', async () => {
    const store = await freshLocalStore();
    await generateMonth(store, { month: MONTH, impressions: 5000, ads: 50, files: 1, drift: 1 });
    const { header, records } = await readImpressions(store, MONTH);
    const rows = asRows(header, records);
    expect(rows.filter((r) => r.device === 'tablet').length / rows.length).toBeGreaterThan(0.6);
    expect(mean(rows.map((r) => Number(r.user_age)))).toBeGreaterThan(55);
    expect(new Set(rows.map((r) => r.placement))).toEqual(new Set(['feed', 'sidebar', 'search', 'video', 'ctv', 'audio', 'interstitial']));
  });
});

describe('generateMonth on a real GCS API', () => {
  it('writes gzip-compressed CSV files, banners and truth to the bucket', async () => {
    const store = await freshGcsStore();
    const summary = await generateMonth(store, { month: '2026-11', impressions: 3000, ads: 30, files: 2, gzip: true });
    const raw = (await listAll(store, 'raw/2026-11/')).map((b) => b.key);
    expect(raw.filter((k) => k.endsWith('.csv.gz'))).toEqual(['raw/2026-11/impressions-001.csv.gz', 'raw/2026-11/impressions-002.csv.gz']);
    expect(raw.filter((k) => k.includes('/images/'))).toHaveLength(30);
    const { records } = await readImpressions(store, '2026-11');
    expect(records).toHaveLength(3000);
    expect(JSON.parse((await store.get('truth/2026-11/summary.json')).toString())).toEqual(summary);
  });
});
