// The preprocessing (TFX Transform): fitted on the training split only, saved as an artifact, and
// applied by exactly this code in training, evaluation and serving.
import type { Example } from './example';
import { fnv1a } from './hash';
import { columnsOf, imageColumn, type FeatureSpec } from './spec';
import { tokenize } from './tokenize';
import { Random } from '../random';
import { MAX_CROSSABLE_IDS, RowSample, selectCrosses, type Cross } from './crosses';

/** `boundaries` (quantiles of the training split) also turn the value into a bucket id, so the linear
 *  part of the model can learn thresholds and curves; transforms saved before buckets have none. */
export interface NumericTransform {
  name: string;
  log: boolean;
  mean: number;
  std: number;
  boundaries?: number[];
}
export type CategoricalTransform = { name: string; kind: 'vocabulary'; values: string[] } | { name: string; kind: 'hash'; buckets: number };
export interface TextTransform {
  name: string;
  maxTokens: number;
  vocabulary: string[];
}

export interface FittedTransform {
  specName: string;
  numeric: NumericTransform[];
  categorical: CategoricalTransform[];
  text: TextTransform[];
  /** Pairs of id columns the model's linear part weighs per cell (absent in transforms saved before). */
  crosses?: Cross[];
  image?: { name: string; size: number };
  fittedOn: { month: string; rows: number; from: number; to: number };
}

export interface EncodedExample {
  numeric: number[];
  categorical: number[];
  text: number[];
  /** Row in the image table, or -1 when the example has no usable image. */
  image: number;
}

const CLIP = 5;
const MAX_TRACKED_VALUES = 200_000;
/** Values kept per numeric column to place quantile boundaries (a seeded reservoir sample). */
const QUANTILE_SAMPLE = 20_000;
const NUMERIC_BUCKETS = 16;

/** Ids per categorical column: 0 is missing / out of vocabulary. */
export function categoricalCardinality(column: CategoricalTransform): number {
  return column.kind === 'hash' ? column.buckets : column.values.length + 1;
}

/** Every id column the encoder emits, in order: the categorical columns, then one bucket column per
 *  bucketed numeric column (0 missing, then one id per interval between boundaries). */
export function idFields(transform: FittedTransform): { name: string; cardinality: number }[] {
  return [
    ...transform.categorical.map((c) => ({ name: c.name, cardinality: categoricalCardinality(c) })),
    ...transform.numeric.filter((c) => c.boundaries).map((c) => ({ name: `${c.name}_bucket`, cardinality: c.boundaries!.length + 2 })),
  ];
}

/** 1 + the number of boundaries at or below the value: a binary search over sorted boundaries. */
function bucketOf(boundaries: number[], value: number): number {
  let low = 0;
  let high = boundaries.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (boundaries[mid]! <= value) low = mid + 1;
    else high = mid;
  }
  return 1 + low;
}

/** Up to `buckets - 1` distinct quantiles of the sample as boundaries. */
function quantileBoundaries(sample: number[], buckets: number): number[] {
  const sorted = [...sample].sort((a, b) => a - b);
  const boundaries: number[] = [];
  for (let i = 1; i < buckets; i++) {
    const value = sorted[Math.floor((i * sorted.length) / buckets)];
    if (value !== undefined && value !== boundaries.at(-1) && value > sorted[0]!) boundaries.push(value);
  }
  return boundaries;
}

/** Ids per text column: 0 pads, 1 is out of vocabulary. */
export function textCardinality(column: TextTransform): number {
  return column.vocabulary.length + 2;
}

export class TransformFitter {
  private readonly moments = new Map<string, { n: number; min: number; max: number; sum: number; sumSq: number; logSum: number; logSumSq: number }>();
  private readonly counts = new Map<string, Map<string, number>>();
  private readonly samples = new Map<string, { values: number[]; seen: number; random: Random }>();
  private readonly crossSample: RowSample;
  private rows = 0;
  private from = Infinity;
  private to = -Infinity;

  constructor(private readonly spec: FeatureSpec) {
    const small = columnsOf(spec, 'categorical').filter((c) => !c.hashBuckets && c.vocabularySize < MAX_CROSSABLE_IDS);
    this.crossSample = new RowSample([...small, ...columnsOf(spec, 'numeric')].map((c) => c.name));
  }

  add(example: Example): void {
    this.rows += 1;
    this.crossSample.add(example);
    this.from = Math.min(this.from, example.t);
    this.to = Math.max(this.to, example.t);
    for (const column of columnsOf(this.spec, 'numeric')) {
      const value = example.f[column.name];
      if (typeof value !== 'number') continue;
      const m = this.moments.get(column.name) ?? { n: 0, min: Infinity, max: -Infinity, sum: 0, sumSq: 0, logSum: 0, logSumSq: 0 };
      const logged = Math.log1p(Math.max(value, 0));
      m.n += 1;
      m.min = Math.min(m.min, value);
      m.max = Math.max(m.max, value);
      m.sum += value;
      m.sumSq += value * value;
      m.logSum += logged;
      m.logSumSq += logged * logged;
      this.moments.set(column.name, m);
      this.sample(column.name, value);
    }
    for (const column of [...columnsOf(this.spec, 'categorical').filter((c) => !c.hashBuckets), ...columnsOf(this.spec, 'text')]) {
      const value = example.f[column.name];
      if (typeof value !== 'string') continue;
      const counts = this.counts.get(column.name) ?? new Map<string, number>();
      for (const token of column.role === 'text' ? tokenize(value) : [value]) {
        if (counts.has(token) || counts.size < MAX_TRACKED_VALUES) counts.set(token, (counts.get(token) ?? 0) + 1);
      }
      this.counts.set(column.name, counts);
    }
  }

  // Reservoir sampling: every value seen so far is in the sample with equal probability.
  private sample(name: string, value: number): void {
    const sample = this.samples.get(name) ?? { values: [], seen: 0, random: new Random(fnv1a(name)) };
    this.samples.set(name, sample);
    sample.seen += 1;
    if (sample.values.length < QUANTILE_SAMPLE) sample.values.push(value);
    else {
      const slot = Math.floor(sample.random.next() * sample.seen);
      if (slot < QUANTILE_SAMPLE) sample.values[slot] = value;
    }
  }

  fit(month: string): FittedTransform {
    const transform = this.fitColumns(month);
    return { ...transform, crosses: this.chooseCrosses(transform) };
  }

  /** Crosses between small id columns, tested on the sampled training rows encoded by `transform`. */
  private chooseCrosses(transform: FittedTransform): Cross[] {
    const fields = idFields(transform);
    const crossable = new Set(this.crossSample.columns.map((name) => (columnsOf(this.spec, 'numeric').some((c) => c.name === name) ? `${name}_bucket` : name)));
    const candidates = fields.flatMap((field, index) => (crossable.has(field.name) && field.cardinality <= MAX_CROSSABLE_IDS ? [index] : []));
    const encoder = new Encoder(transform);
    const rows = this.crossSample.rows;
    const ids = rows.map((example) => {
      const all = encoder.encode(example, () => -1).categorical;
      return Int32Array.from(candidates, (index) => all[index]!);
    });
    const labels = Uint8Array.from(rows, (example) => example.y);
    return selectCrosses(
      candidates.map((i) => fields[i]!.name),
      candidates.map((i) => fields[i]!.cardinality),
      ids,
      labels,
    );
  }

  private fitColumns(month: string): FittedTransform {
    if (this.rows === 0) throw new Error('Cannot fit the transform on an empty training split');
    const topValues = (name: string, limit: number) =>
      [...(this.counts.get(name) ?? new Map<string, number>())]
        .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
        .slice(0, limit)
        .map(([value]) => value);
    const image = imageColumn(this.spec);
    return {
      specName: this.spec.name,
      numeric: columnsOf(this.spec, 'numeric').map((column) => {
        const m = this.moments.get(column.name);
        if (!m || m.n === 0) return { name: column.name, log: false, mean: 0, std: 1 };
        const mean = m.sum / m.n;
        // Heavy-tailed non-negative counts train better on a log scale.
        const log = m.min >= 0 && m.max > 10 * Math.max(mean, 1e-9);
        const [s, sq] = log ? [m.logSum, m.logSumSq] : [m.sum, m.sumSq];
        const mu = s / m.n;
        const std = Math.sqrt(Math.max(sq / m.n - mu * mu, 0)) || 1;
        return { name: column.name, log, mean: mu, std, boundaries: quantileBoundaries(this.samples.get(column.name)!.values, NUMERIC_BUCKETS) };
      }),
      categorical: columnsOf(this.spec, 'categorical').map((column) =>
        column.hashBuckets
          ? { name: column.name, kind: 'hash', buckets: column.hashBuckets }
          : { name: column.name, kind: 'vocabulary', values: topValues(column.name, column.vocabularySize) },
      ),
      text: columnsOf(this.spec, 'text').map((column) => ({
        name: column.name,
        maxTokens: column.maxTokens,
        vocabulary: topValues(column.name, column.vocabularySize),
      })),
      image: image ? { name: image.name, size: image.size } : undefined,
      fittedOn: { month, rows: this.rows, from: this.from, to: this.to },
    };
  }
}

/** Lookup tables built once per transform, so encoding a row is cheap. */
export class Encoder {
  private readonly vocabularies: (Map<string, number> | undefined)[];
  private readonly textVocabularies: Map<string, number>[];

  constructor(readonly transform: FittedTransform) {
    this.vocabularies = transform.categorical.map((c) => (c.kind === 'vocabulary' ? new Map(c.values.map((v, i) => [v, i + 1])) : undefined));
    this.textVocabularies = transform.text.map((c) => new Map(c.vocabulary.map((v, i) => [v, i + 2])));
  }

  get widths(): { numeric: number; categorical: number; text: number } {
    return {
      numeric: this.transform.numeric.length,
      categorical: idFields(this.transform).length,
      text: this.transform.text.reduce((sum, c) => sum + c.maxTokens, 0),
    };
  }

  encode(example: Example, imageRow: (key: string) => number): EncodedExample {
    const numeric = this.transform.numeric.map((c) => {
      const value = example.f[c.name];
      if (typeof value !== 'number') return 0;
      const scaled = ((c.log ? Math.log1p(Math.max(value, 0)) : value) - c.mean) / c.std;
      return Math.max(-CLIP, Math.min(CLIP, scaled));
    });
    const categorical = this.transform.categorical.map((c, i) => {
      const value = example.f[c.name];
      if (typeof value !== 'string') return 0;
      return c.kind === 'hash' ? fnv1a(value) % c.buckets : (this.vocabularies[i]!.get(value) ?? 0);
    });
    for (const c of this.transform.numeric) {
      if (!c.boundaries) continue;
      const value = example.f[c.name];
      categorical.push(typeof value === 'number' ? bucketOf(c.boundaries, value) : 0);
    }
    const text: number[] = [];
    this.transform.text.forEach((c, i) => {
      const value = example.f[c.name];
      const tokens = typeof value === 'string' ? tokenize(value).slice(0, c.maxTokens) : [];
      for (let k = 0; k < c.maxTokens; k++) text.push(k < tokens.length ? (this.textVocabularies[i]!.get(tokens[k]!) ?? 1) : 0);
    });
    const imageKey = this.transform.image ? example.f[this.transform.image.name] : null;
    return { numeric, categorical, text, image: typeof imageKey === 'string' ? imageRow(imageKey) : -1 };
  }
}
