// One running tally per feature column, in memory that does not grow with the number of examples.
import { tokenize } from '../features/tokenize';
import { BoundedCounter } from './bounded-counts';
import { addToHistogram, emptyHistogram } from './histogram';
import { withCategoricalSummary, withNumericSummary, withTextSummary, type ColumnStatistics } from './statistics';

export interface ColumnAccumulator {
  add(value: number | string | null | undefined): void;
  result(): ColumnStatistics;
}

export class NumericAccumulator implements ColumnAccumulator {
  private count = 0;
  private missing = 0;
  // Plain sums rather than running means: integer features sum exactly, so shard order cannot matter.
  private sum = 0;
  private sumOfSquares = 0;
  private zeros = 0;
  private min = Infinity;
  private max = -Infinity;
  private readonly histogram;

  constructor(
    private readonly name: string,
    edges: readonly number[],
  ) {
    this.histogram = emptyHistogram(edges);
  }

  add(value: number | string | null | undefined): void {
    // Ingest already quarantines unparseable values; anything else non-numeric is a gap.
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      this.missing += 1;
      return;
    }
    this.count += 1;
    this.sum += value;
    this.sumOfSquares += value * value;
    if (value === 0) this.zeros += 1;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
    addToHistogram(this.histogram, value);
  }

  result(): ColumnStatistics {
    const seen = this.count > 0;
    return withNumericSummary({
      role: 'numeric',
      name: this.name,
      count: this.count,
      missing: this.missing,
      sum: this.sum,
      sumOfSquares: this.sumOfSquares,
      zeros: this.zeros,
      min: seen ? this.min : null,
      max: seen ? this.max : null,
      histogram: { ...this.histogram, edges: [...this.histogram.edges], counts: [...this.histogram.counts] },
    });
  }
}

export class CategoricalAccumulator implements ColumnAccumulator {
  private count = 0;
  private missing = 0;
  private readonly counter;

  constructor(
    private readonly name: string,
    maxDistinct: number,
  ) {
    this.counter = new BoundedCounter(maxDistinct);
  }

  add(value: number | string | null | undefined): void {
    if (value === null || value === undefined || value === '') {
      this.missing += 1;
      return;
    }
    this.count += 1;
    this.counter.add(String(value));
  }

  result(): ColumnStatistics {
    return withCategoricalSummary({ role: 'categorical', name: this.name, count: this.count, missing: this.missing, counts: this.counter.result() });
  }
}

export class TextAccumulator implements ColumnAccumulator {
  private count = 0;
  private missing = 0;
  private tokens = 0;
  private readonly counter;

  constructor(
    private readonly name: string,
    maxDistinct: number,
  ) {
    this.counter = new BoundedCounter(maxDistinct);
  }

  add(value: number | string | null | undefined): void {
    // Same tokens as the transform sees: text without any word is as good as missing.
    const tokens = typeof value === 'string' ? tokenize(value) : [];
    if (tokens.length === 0) {
      this.missing += 1;
      return;
    }
    this.count += 1;
    this.tokens += tokens.length;
    for (const token of tokens) this.counter.add(token);
  }

  result(): ColumnStatistics {
    return withTextSummary({
      role: 'text',
      name: this.name,
      count: this.count,
      missing: this.missing,
      tokens: this.tokens,
      tokenCounts: this.counter.result(),
    });
  }
}

export class ImageAccumulator implements ColumnAccumulator {
  private count = 0;
  private missing = 0;

  constructor(private readonly name: string) {}

  add(value: number | string | null | undefined): void {
    if (typeof value === 'string' && value !== '') this.count += 1;
    else this.missing += 1;
  }

  result(): ColumnStatistics {
    return { role: 'image', name: this.name, count: this.count, missing: this.missing, checks: null };
  }
}
