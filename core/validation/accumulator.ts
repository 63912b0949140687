// StatisticsGen as a streaming fold: add examples one by one (millions, in flat memory), read the
// statistics at the end, and merge the statistics of shards counted in parallel.
import type { Example } from '../features/example';
import { labelColumn, timestampColumn, type ColumnSpec, type FeatureSpec } from '../features/spec';
import { CategoricalAccumulator, ImageAccumulator, NumericAccumulator, TextAccumulator, type ColumnAccumulator } from './column-accumulators';
import { DEFAULT_EDGES, equalWidthEdges } from './histogram';
import { schemaFeature, type Schema } from './schema';
import type { FeatureStatistics } from './statistics';

export interface StatisticsOptions {
  /** The schema to take numeric histogram edges from, so this month compares bin by bin with others. */
  binsFrom?: Schema;
  /** Equal steps over the spec's [min, max] in the first-pass grid of features the schema does not cover. */
  numericBins?: number;
  /** Distinct values tracked per categorical or text feature; later new values count as "other". */
  maxDistinct?: number;
}

export const DEFAULT_NUMERIC_BINS = 20;
export const DEFAULT_MAX_DISTINCT = 10_000;
const DAY = 86_400_000;

/** Schema edges first. Without a schema, a fine first-pass grid: the spec's range in equal steps plus
 *  the default grid inside it, so the inferred schema can pick quantile edges nested in it. */
export function histogramEdgesFor(column: Extract<ColumnSpec, { role: 'numeric' }>, options: StatisticsOptions = {}): readonly number[] {
  const fromSchema = options.binsFrom && schemaFeature(options.binsFrom, column.name, 'numeric');
  if (fromSchema) return fromSchema.histogramEdges;
  const { min = -Infinity, max = Infinity } = column;
  const steps =
    column.min !== undefined && column.max !== undefined ? equalWidthEdges(column.min, column.max, options.numericBins ?? DEFAULT_NUMERIC_BINS) : [];
  const bounds = [column.min, column.max].filter((edge) => edge !== undefined);
  const edges = [...new Set([...DEFAULT_EDGES.filter((edge) => edge > min && edge < max), ...steps, ...bounds])].sort((a, b) => a - b);
  return edges.length > 1 ? edges : [edges[0]!, edges[0]! + 1];
}

function columnAccumulator(column: ColumnSpec, options: StatisticsOptions): ColumnAccumulator | undefined {
  const maxDistinct = options.maxDistinct ?? DEFAULT_MAX_DISTINCT;
  switch (column.role) {
    case 'numeric':
      return new NumericAccumulator(column.name, histogramEdgesFor(column, options));
    case 'categorical':
      return new CategoricalAccumulator(column.name, maxDistinct);
    case 'text':
      return new TextAccumulator(column.name, maxDistinct);
    case 'image':
      return new ImageAccumulator(column.name);
    default:
      return undefined;
  }
}

export class StatisticsAccumulator {
  private readonly columns: { name: string; accumulator: ColumnAccumulator }[] = [];
  private readonly maxDistinct: number;
  private examples = 0;
  private positives = 0;
  private firstTime = Infinity;
  private lastTime = -Infinity;
  // Keyed by day number, formatted once at the end rather than per example.
  private readonly perDay = new Map<number, number>();

  constructor(
    private readonly spec: FeatureSpec,
    options: StatisticsOptions = {},
  ) {
    this.maxDistinct = options.maxDistinct ?? DEFAULT_MAX_DISTINCT;
    for (const column of spec.columns) {
      const accumulator = columnAccumulator(column, options);
      if (accumulator) this.columns.push({ name: column.name, accumulator });
    }
  }

  add(example: Example): void {
    this.examples += 1;
    if (example.y === 1) this.positives += 1;
    if (Number.isFinite(example.t)) {
      if (example.t < this.firstTime) this.firstTime = example.t;
      if (example.t > this.lastTime) this.lastTime = example.t;
      const day = Math.floor(example.t / DAY);
      this.perDay.set(day, (this.perDay.get(day) ?? 0) + 1);
    }
    for (const { name, accumulator } of this.columns) accumulator.add(example.f[name]);
  }

  result(): FeatureStatistics {
    const timed = this.perDay.size > 0;
    return {
      specName: this.spec.name,
      examples: this.examples,
      maxDistinct: this.maxDistinct,
      label: { name: labelColumn(this.spec), positives: this.positives, positiveRate: this.examples === 0 ? null : this.positives / this.examples },
      timestamp: {
        name: timestampColumn(this.spec),
        min: timed ? this.firstTime : null,
        max: timed ? this.lastTime : null,
        perDay: Object.fromEntries([...this.perDay].sort((a, b) => a[0] - b[0]).map(([day, n]) => [new Date(day * DAY).toISOString().slice(0, 10), n])),
      },
      features: this.columns.map(({ accumulator }) => accumulator.result()),
    };
  }
}
