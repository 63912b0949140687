import { describe, expect, it } from 'vitest';
import { defaultFeatureSpec } from '../core/features/default-spec';
import type { Example } from '../core/features/example';
import { parseFeatureSpec } from '../core/features/spec';
import {
  DEFAULT_EDGES,
  StatisticsAccumulator,
  detectAnomalies,
  formatReport,
  inferSchema,
  jensenShannonDivergence,
  lInfinityDistance,
  mergeStatistics,
  parseSchema,
  parseStatistics,
  withImageChecks,
  type FeatureStatistics,
  type NumericStatistics,
  type Schema,
} from '../core/validation';
import { rebin } from '../core/validation/histogram';
import { Random } from '../core/random';

// Seeded, so every month below is the same on every run.
function random(seed: number): () => number {
  const generator = new Random(seed);
  return () => generator.next();
}

interface MonthShape {
  month: string;
  /** Shares of mobile and desktop; tablet takes the rest. */
  mobile: number;
  desktop: number;
  ageMean: number;
  peakHour: number;
  clickRate: number;
  /** Share of impressions on a placement the schema has never seen. */
  newPlacement?: number;
  /** Share of impressions with no user_age (a required feature). */
  ageMissing?: number;
}

const usual: MonthShape = { month: '2026-01', mobile: 0.7, desktop: 0.25, ageMean: 38, peakHour: 14, clickRate: 0.02 };
const WORDS = ['big', 'sale', 'today', 'new', 'deal', 'free', 'shipping', 'best', 'price', 'travel', 'save', 'now'];
const PLACEMENTS = ['feed', 'sidebar', 'search', 'video'];
const CATEGORIES = ['retail', 'travel', 'finance', 'auto', 'tech', 'gaming', 'food', 'health'];
const REGIONS = ['us-east', 'us-west', 'uk', 'germany', 'france', 'japan'];

function month(seed: number, n: number, shape: MonthShape): Example[] {
  const rand = random(seed);
  const int = (below: number) => Math.floor(rand() * below);
  const pick = <T>(values: readonly T[]) => values[int(values.length)]!;
  const normal = (mean: number, sd: number) => mean + sd * Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
  const start = Date.parse(`${shape.month}-01T00:00:00Z`);
  return Array.from({ length: n }, () => {
    const d = rand();
    const ad = int(300);
    return {
      t: start + int(28 * 86_400_000),
      y: rand() < shape.clickRate ? 1 : 0,
      f: {
        impression_id: null,
        ad_id: `ad-${ad}`,
        advertiser: `adv-${ad % 40}`,
        ad_category: pick(CATEGORIES),
        placement: shape.newPlacement && rand() < shape.newPlacement ? 'ctv' : pick(PLACEMENTS),
        device: d < shape.mobile ? 'mobile' : d < shape.mobile + shape.desktop ? 'desktop' : 'tablet',
        region: pick(REGIONS),
        user_interest: pick(CATEGORIES),
        hour_of_day: clamp(Math.round(normal(shape.peakHour, 4)), 0, 23),
        user_age: shape.ageMissing && rand() < shape.ageMissing ? null : clamp(Math.round(normal(shape.ageMean, 12)), 13, 100),
        user_sessions_30d: Math.min(10_000, Math.floor(Math.exp(normal(2, 1)))),
        user_past_clicks_30d: rand() < 0.2 ? null : int(6),
        headline: Array.from({ length: 3 + int(4) }, () => pick(WORDS)).join(' '),
        image_path: rand() < 0.05 ? null : `raw/${shape.month}/images/ad-${ad}.png`,
      },
    };
  });
}

function statistics(examples: Example[], options: ConstructorParameters<typeof StatisticsAccumulator>[1] = {}, spec = defaultFeatureSpec): FeatureStatistics {
  const accumulator = new StatisticsAccumulator(spec, options);
  for (const example of examples) accumulator.add(example);
  return accumulator.result();
}

const feature = <R extends FeatureStatistics['features'][number]['role']>(stats: FeatureStatistics, name: string, role: R) => {
  const found = stats.features.find((f) => f.name === name);
  if (found?.role !== role) throw new Error(`no ${role} feature ${name}`);
  return found as Extract<FeatureStatistics['features'][number], { role: R }>;
};

describe('statistics', () => {
  const spec = parseFeatureSpec({
    columns: [
      { name: 'ts', role: 'timestamp' },
      { name: 'clicked', role: 'label' },
      { name: 'price', role: 'numeric' },
      { name: 'hour', role: 'numeric', min: 0, max: 24 },
      { name: 'device', role: 'categorical' },
      { name: 'headline', role: 'text' },
      { name: 'image', role: 'image' },
    ],
  });
  const day1 = Date.parse('2026-03-01T10:00:00Z');
  const day2 = Date.parse('2026-03-02T23:59:59Z');
  const rows: [number, 0 | 1, number | null, number, string | null, string | null, string | null][] = [
    [day1, 1, 1, 0, 'mobile', 'Big sale today', 'a.png'],
    [day1, 0, 2, 6, 'desktop', '', null],
    [day2, 0, 3, 12, 'mobile', 'big deal', 'b.png'],
    [day2, 1, null, 24, null, null, 'a.png'],
    [day2, 0, 4, 24, 'mobile', 'Sale!', null],
  ];
  const examples: Example[] = rows.map(([t, y, price, hour, device, headline, image]) => ({ t, y, f: { price, hour, device, headline, image } }));
  const stats = statistics(examples, {}, spec);

  it('counts a small month exactly', () => {
    expect(stats.examples).toBe(5);
    expect(stats.label).toEqual({ name: 'clicked', positives: 2, positiveRate: 0.4 });
    expect(stats.timestamp).toEqual({ name: 'ts', min: day1, max: day2, perDay: { '2026-03-01': 2, '2026-03-02': 3 } });

    const price = feature(stats, 'price', 'numeric');
    expect(price).toMatchObject({ count: 4, missing: 1, min: 1, max: 4, zeros: 0, mean: 2.5, sum: 10, sumOfSquares: 30 });
    expect(price.std).toBeCloseTo(Math.sqrt(1.25), 12);
    // No range in the spec and no schema: the fixed default grid.
    expect(price.histogram.edges).toEqual(DEFAULT_EDGES);
    expect(price.histogram.counts.reduce((a, b) => a + b, 0)).toBe(4);

    // A spec range gives a first-pass grid of equal steps plus the default grid inside the range.
    const hour = feature(stats, 'hour', 'numeric');
    const { edges } = hour.histogram;
    expect([edges[0], edges.at(-1)]).toEqual([0, 24]);
    expect(edges).toEqual(expect.arrayContaining([1.2, 2.4, 0.001, 1.5, 7, 20]));
    expect(edges.every((edge, i) => i === 0 || edge > edges[i - 1]!)).toBe(true);
    // The top edge is inside the last bin.
    expect(hour.histogram.counts.at(-1)).toBe(2);
    expect(hour.histogram.overflow).toBe(0);
    expect(hour.zeros).toBe(1);

    const device = feature(stats, 'device', 'categorical');
    expect(device).toMatchObject({ count: 4, missing: 1, distinct: 2, distinctIsLowerBound: false });
    expect(device.top).toEqual([
      { value: 'mobile', count: 3, frequency: 0.75 },
      { value: 'desktop', count: 1, frequency: 0.25 },
    ]);

    // Blank and missing headlines are both missing; tokens are lowercase words.
    const headline = feature(stats, 'headline', 'text');
    expect(headline).toMatchObject({ count: 3, missing: 2, tokens: 6, averageTokens: 2, distinctTokens: 4 });
    expect(headline.tokenCounts.values[0]).toEqual(['big', 2]);

    expect(feature(stats, 'image', 'image')).toEqual({ role: 'image', name: 'image', count: 3, missing: 2, checks: null });
  });

  it('keeps memory bounded: values beyond maxDistinct are counted together', () => {
    const capped = statistics(
      ['a', 'b', 'a', 'c', 'd', 'e'].map((device) => ({ t: day1, y: 0, f: { device } })),
      { maxDistinct: 3 },
      spec,
    );
    const device = feature(capped, 'device', 'categorical');
    expect(device.counts).toEqual({
      values: [
        ['a', 2],
        ['b', 1],
        ['c', 1],
      ],
      other: 2,
    });
    expect(device).toMatchObject({ distinct: 3, distinctIsLowerBound: true, count: 6 });
  });

  it('merges shards into exactly the single-pass statistics', () => {
    const all = month(1, 3000, usual);
    const shards = [all.slice(0, 1000), all.slice(1000, 1001), all.slice(1001), []].map((part) => statistics(part));
    const merged = shards.reduce(mergeStatistics);
    expect(merged).toEqual(statistics(all));
    expect(mergeStatistics(shards[3]!, shards[0]!)).toEqual(shards[0]);
  });

  it('refuses to merge histograms counted with different edges', () => {
    const schema = inferSchema(defaultFeatureSpec, statistics(month(2, 500, usual)));
    const withSchema = statistics(month(3, 100, usual), {
      binsFrom: { ...schema, features: schema.features.map((f) => (f.type === 'numeric' ? { ...f, histogramEdges: [0, 1, 2] } : f)) },
    });
    expect(() => mergeStatistics(statistics(month(3, 100, usual)), withSchema)).toThrow(/different edges/);
  });

  it('round-trips through JSON, and the parser rejects what is not statistics', () => {
    const stats = withImageChecks(statistics(month(4, 500, usual)), { ok: 90, missing: 5, corrupt: 5, unreadableReasons: { 'bad header': 5 } });
    expect(parseStatistics(JSON.parse(JSON.stringify(stats)))).toEqual(stats);
    expect(() => parseStatistics({ ...stats, examples: -1 })).toThrow(/Invalid statistics: examples/);
  });
});

describe('divergences', () => {
  it('Jensen–Shannon is 0 for identical histograms, 1 for disjoint ones, in bits between', () => {
    expect(jensenShannonDivergence([3, 5, 0, 2], [30, 50, 0, 20])).toBe(0);
    expect(jensenShannonDivergence([4, 0, 0], [0, 1, 7])).toBe(1);
    const expected = 0.5 * Math.log2(4 / 3) + 0.25 * Math.log2(2 / 3) + 0.25 * Math.log2(2);
    expect(jensenShannonDivergence([1, 0], [1, 1])).toBeCloseTo(expected, 12);
  });

  it('L-infinity is the largest change in one value’s share', () => {
    expect(lInfinityDistance([70, 20, 10], [3, 6, 1])).toBeCloseTo(0.4, 12);
    expect(lInfinityDistance([1, 1], [5, 5])).toBe(0);
    expect(lInfinityDistance([1, 0], [0, 1])).toBe(1);
  });

  it('rejects empty or misaligned distributions', () => {
    expect(() => jensenShannonDivergence([0, 0], [1, 1])).toThrow(RangeError);
    expect(() => lInfinityDistance([1], [1, 2])).toThrow(RangeError);
  });
});

describe('schema inference', () => {
  const first = statistics(month(10, 4000, usual));
  const schema = inferSchema(defaultFeatureSpec, first);

  it('learns domains, tolerances and histogram edges from the first month', () => {
    expect(schema).toMatchObject({ version: 0, inferredFrom: '2026-01', specName: 'adclick-default' });
    const byName = new Map(schema.features.map((f) => [f.name, f]));
    expect(byName.get('device')).toMatchObject({ type: 'categorical', required: true, domain: ['desktop', 'mobile', 'tablet'], maxUnseenFraction: 0.01 });
    // 300 ads are too many to list; hashed advertisers always expect new values.
    expect(byName.get('ad_id')).toMatchObject({ domain: 'open' });
    expect(byName.get('advertiser')).toMatchObject({ domain: 'open' });
    const age = byName.get('user_age');
    if (age?.type !== 'numeric') throw new Error('user_age should be numeric');
    // The spec's range is the domain; inside, about 20 quantile edges picked from month one's grid.
    expect(age.domain).toEqual({ min: 13, max: 100 });
    expect([age.histogramEdges[0], age.histogramEdges.at(-1)]).toEqual([13, 100]);
    expect(age.histogramEdges.length).toBeGreaterThan(12);
    expect(age.histogramEdges.length).toBeLessThanOrEqual(21);
    expect(feature(first, 'user_age', 'numeric').histogram.edges).toEqual(expect.arrayContaining(age.histogramEdges));
    const pastClicks = byName.get('user_past_clicks_30d')!;
    expect(pastClicks.required).toBe(false);
    expect(pastClicks.maxMissingFraction).toBeCloseTo(feature(first, 'user_past_clicks_30d', 'numeric').missing / 4000 + 0.05, 12);
    // Integer data splits at integers of the default grid.
    expect(pastClicks).toMatchObject({ histogramEdges: [0, 1, 2, 3, 5, 10_000] });
    expect(byName.get('image_path')).toMatchObject({ type: 'image', required: false });
  });

  it('passes the month it was inferred from', () => {
    const report = detectAnomalies({ spec: defaultFeatureSpec, schema, stats: first });
    expect(report).toEqual({ passed: true, blocking: [], warnings: [], drift: [] });
    expect(formatReport(report)).toBe('Data validation passed: 0 blocking, 0 warnings; no previous month to compare with.');
  });

  it('round-trips through JSON and checks what it reads', () => {
    expect(parseSchema(JSON.parse(JSON.stringify(schema)))).toEqual(schema);
    const broken = { ...schema, features: [{ name: 'x', type: 'numeric', required: true, maxMissingFraction: 0.1, domain: null, histogramEdges: [3, 1] }] };
    expect(() => parseSchema(broken)).toThrow(/features\.0\.histogramEdges: histogram edges must increase/);
  });

  it('without a spec range, fixes quantile edges that month one nests in exactly', () => {
    const spec = parseFeatureSpec({
      columns: [
        { name: 't', role: 'timestamp' },
        { name: 'y', role: 'label' },
        { name: 'price', role: 'numeric' },
      ],
    });
    const prices = (seed: number, n: number, top = 100): Example[] => {
      const rand = random(seed);
      return Array.from({ length: n }, () => ({
        t: Date.parse('2026-01-05T00:00:00Z'),
        y: rand() < 0.02 ? 1 : 0,
        f: { price: Math.round(10 + rand() * (top - 10)) },
      }));
    };
    const monthOne = statistics(prices(20, 5000), {}, spec);
    const priceSchema = inferSchema(spec, monthOne, { month: '2026-01' });
    const price = priceSchema.features[0]!;
    if (price.type !== 'numeric') throw new Error('price should be numeric');
    // Observed 10..100, widened by a tenth of the span on each side.
    expect(price.domain).toEqual({ min: 1, max: 109 });
    expect(price.histogramEdges.length).toBeGreaterThan(5);
    expect(price.histogramEdges.length).toBeLessThanOrEqual(21);
    expect(price.histogramEdges.slice(1, -1).every((edge) => DEFAULT_EDGES.includes(edge))).toBe(true);

    const recounted = feature(statistics(prices(20, 5000), { binsFrom: priceSchema }, spec), 'price', 'numeric');
    const firstPrice = feature(monthOne, 'price', 'numeric');
    expect(rebin(firstPrice.histogram, price.histogramEdges, { min: firstPrice.min!, max: firstPrice.max! })).toEqual(recounted.histogram);

    // The next ordinary month, on the schema's edges, barely differs from month one on the fine grid.
    const next = statistics(prices(21, 5000), { binsFrom: priceSchema }, spec);
    const report = detectAnomalies({ spec, schema: priceSchema, stats: next, previous: monthOne });
    expect(report.drift[0]!.value).toBeLessThan(0.01);
    expect(report.passed).toBe(true);

    // A tenth of the prices now run to 500: out of the domain, and drift.
    const inflated = statistics(
      [...prices(22, 4500), ...prices(23, 500, 500).map((e) => ({ ...e, f: { price: 400 + Number(e.f.price) / 5 } }))],
      { binsFrom: priceSchema },
      spec,
    );
    const blocked = detectAnomalies({ spec, schema: priceSchema, stats: inflated, previous: monthOne });
    expect(blocked.blocking.find((a) => a.kind === 'out-of-domain')).toMatchObject({ feature: 'price', value: 0.1 });
    expect(blocked.blocking.find((a) => a.kind === 'out-of-domain')!.message).toContain('10% of values outside the schema domain [1, 109]');
  });
});

describe('anomalies', () => {
  const january = statistics(month(30, 5000, usual));
  const schema: Schema = inferSchema(defaultFeatureSpec, january);
  const validate = (shape: Partial<MonthShape>, seed = 31) => {
    const stats = statistics(month(seed, 5000, { ...usual, month: '2026-02', ...shape }), { binsFrom: schema });
    return detectAnomalies({ spec: defaultFeatureSpec, schema, stats, previous: january });
  };

  it('passes an ordinary month, with mild seasonal change, without blocking or drift warnings', () => {
    const report = validate({ mobile: 0.66, desktop: 0.27, ageMean: 39, peakHour: 15, clickRate: 0.022 });
    expect(report.blocking).toEqual([]);
    expect(report.passed).toBe(true);
    expect(report.drift.length).toBe(11);
    expect(report.drift.every((d) => d.level === 'ok')).toBe(true);
    expect(formatReport(report)).toMatch(/^Data validation passed: 0 blocking/);
  });

  it('blocks a month whose device mix flips, naming the feature and the numbers', () => {
    const report = validate({ mobile: 0.25, desktop: 0.7 });
    expect(report.passed).toBe(false);
    const device = report.drift.find((d) => d.feature === 'device')!;
    expect(device).toMatchObject({ kind: 'l-infinity', level: 'blocking', threshold: 0.3 });
    expect(device.value).toBeGreaterThan(0.4);
    expect(report.blocking.map((a) => [a.feature, a.kind])).toEqual([['device', 'drift']]);
    expect(report.blocking[0]!.message).toMatch(
      /^device: drifted from last month, L-infinity distance 0\.4\d\d above 0\.3 \((desktop 2\d\.\d% → 70\.\d%|mobile 70\.\d% → 2\d\.\d%)\)$/,
    );
  });

  it('grades numeric drift by Jensen–Shannon divergence: a large shift blocks', () => {
    const report = validate({ ageMean: 62 });
    const age = report.drift.find((d) => d.feature === 'user_age')!;
    expect(age).toMatchObject({ kind: 'jensen-shannon', level: 'blocking' });
    expect(report.blocking[0]!.message).toContain('user_age: drifted from last month, Jensen–Shannon divergence');
  });

  it('flags unseen categorical values: a few warn, many block', () => {
    const few = validate({ newPlacement: 0.03 }).warnings.find((a) => a.kind === 'unseen-values');
    expect(few).toMatchObject({ feature: 'placement', severity: 'warning', threshold: 0.01 });
    expect(few!.message).toMatch(/^placement: [23]\.\d+% of values \(\d+ of 5000\) are not in the schema domain, e\.g\. "ctv" \(\d+\)/);
    const many = validate({ newPlacement: 0.2 }).blocking.find((a) => a.kind === 'unseen-values');
    expect(many).toMatchObject({ feature: 'placement', severity: 'blocking', threshold: 0.1 });
  });

  it('blocks a required feature with many values missing; an optional one only warns', () => {
    const report = validate({ ageMissing: 0.3 });
    const age = report.blocking.find((a) => a.kind === 'missing-values')!;
    expect(age.feature).toBe('user_age');
    expect(age.message).toMatch(/^user_age: 3[01]\.\d% of values missing \(\d+ of 5000\), above the 5% the schema allows for this required feature$/);

    const optional = month(32, 5000, { ...usual, month: '2026-02' }).map((e) => ({ ...e, f: { ...e.f, user_past_clicks_30d: null } }));
    const optionalReport = detectAnomalies({ spec: defaultFeatureSpec, schema, stats: statistics(optional, { binsFrom: schema }) });
    expect(optionalReport.blocking).toEqual([]);
    expect(optionalReport.warnings).toMatchObject([{ feature: 'user_past_clicks_30d', kind: 'missing-values', severity: 'warning', value: 1 }]);
  });

  it('blocks a month without clicks and warns when the click rate doubles', () => {
    const none = validate({ clickRate: 0 });
    expect(none.blocking).toMatchObject([{ feature: 'clicked', kind: 'label-rate', value: 0, threshold: 0.001 }]);
    expect(none.blocking[0]!.message).toContain('clicked: positive rate 0% (0 of 5000) is outside the plausible band 0.1%–50%');
    expect(validate({ clickRate: 0.06 }).warnings.map((a) => a.kind)).toContain('label-rate-change');
  });

  it('grades image failures counted by the image step', () => {
    const stats = statistics(month(33, 5000, { ...usual, month: '2026-02' }), { binsFrom: schema });
    const check = (missing: number, corrupt: number) =>
      detectAnomalies({
        spec: defaultFeatureSpec,
        schema,
        stats: withImageChecks(stats, { ok: 300 - missing - corrupt, missing, corrupt, unreadableReasons: { 'truncated PNG': corrupt } }),
      });
    expect(check(0, 0).passed).toBe(true);
    expect(check(3, 6).warnings).toMatchObject([{ feature: 'image_path', kind: 'image-failures', value: 0.03 }]);
    const blocked = check(20, 40).blocking[0]!;
    expect(blocked.message).toBe(
      "image_path: 20% of the month's 300 images failed (20 missing, 40 unreadable: truncated PNG (40)); warning above 1%, blocking above 10%",
    );
  });

  it('takes thresholds from the caller, defaults for the rest', () => {
    const strict = detectAnomalies({
      spec: defaultFeatureSpec,
      schema,
      previous: january,
      thresholds: { lInfWarn: 0.01, lInfBlock: 0.02 },
      stats: statistics(month(34, 5000, { ...usual, month: '2026-02', mobile: 0.66, desktop: 0.29 }), { binsFrom: schema }),
    });
    expect(strict.blocking.map((a) => a.feature)).toContain('device');
    expect(strict.drift.find((d) => d.feature === 'user_age')!.threshold).toBe(0.1);
  });

  it('formats blocking anomalies first, then warnings, with features and numbers', () => {
    const report = validate({ mobile: 0.25, desktop: 0.7, newPlacement: 0.03 });
    const text = formatReport(report);
    expect(text.split('\n')[0]).toBe('Data validation FAILED: 1 blocking, 1 warning; drift measured on 11 features.');
    expect(text.indexOf('Blocking:')).toBeLessThan(text.indexOf('Warnings:'));
    expect(text).toMatch(/Blocking:\n {2}- device: drifted from last month, L-infinity distance 0\.\d{3} above 0\.3/);
    expect(text).toMatch(/Warnings:\n {2}- placement: [23]\.\d+% of values/);
  });
});

it('keeps numeric statistics JSON-safe when a feature has no values', () => {
  const stats = statistics(month(40, 50, usual).map((e) => ({ ...e, f: { ...e.f, user_past_clicks_30d: null } })));
  const clicks: NumericStatistics = feature(stats, 'user_past_clicks_30d', 'numeric');
  expect(clicks).toMatchObject({ count: 0, missing: 50, mean: null, std: null, min: null, max: null });
  expect(JSON.parse(JSON.stringify(stats))).toEqual(stats);
});
