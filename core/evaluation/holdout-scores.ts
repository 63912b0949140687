// What evaluation keeps per holdout row, packed: the label as a byte, each model's probability as a
// double, each slice column's value as a code into that column's distinct values. About 1 + 8 per model
// + 4 per slice column bytes a row, where JS arrays of numbers and strings took several hundred.

/** A slice column: row i's value is values[codes[i]]. */
export interface SliceColumn {
  values: string[];
  codes: ArrayLike<number>;
}

/** A slice column from one string per row (small inputs and tests). */
export function sliceColumn(rowValues: readonly string[]): SliceColumn {
  const column = new SliceColumnBuilder();
  for (const value of rowValues) column.push(value);
  return column.finish();
}

class GrowableArray<T extends Uint8Array | Uint32Array | Float64Array> {
  length = 0;
  constructor(private data: T) {}

  push(value: number): void {
    if (this.length === this.data.length) {
      const bigger = new (this.data.constructor as new (size: number) => T)(Math.max(1024, this.data.length * 2));
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = value;
  }

  /** The values pushed, without copying. */
  view(): T {
    return this.data.subarray(0, this.length) as T;
  }
}

class SliceColumnBuilder {
  private readonly codeOf = new Map<string, number>();
  private readonly values: string[] = [];
  private readonly codes = new GrowableArray(new Uint32Array(0));

  push(value: string): void {
    let code = this.codeOf.get(value);
    if (code === undefined) {
      code = this.values.push(value) - 1;
      this.codeOf.set(value, code);
    }
    this.codes.push(code);
  }

  finish(): SliceColumn {
    return { values: this.values, codes: this.codes.view() };
  }
}

export class HoldoutScores {
  private readonly labelBytes = new GrowableArray(new Uint8Array(0));
  private readonly scores: GrowableArray<Float64Array>[];
  private readonly slices: Map<string, SliceColumnBuilder>;

  constructor(models: number, sliceColumns: readonly string[]) {
    this.scores = Array.from({ length: models }, () => new GrowableArray(new Float64Array(0)));
    this.slices = new Map(sliceColumns.map((column) => [column, new SliceColumnBuilder()]));
  }

  get rows(): number {
    return this.labelBytes.length;
  }

  addRow(label: number, sliceValue: (column: string) => string): void {
    this.labelBytes.push(label > 0.5 ? 1 : 0);
    for (const [column, builder] of this.slices) builder.push(sliceValue(column));
  }

  /** Model m's probabilities for the rows added next (or just added), in row order. */
  addScores(model: number, probabilities: ArrayLike<number>): void {
    for (let i = 0; i < probabilities.length; i++) this.scores[model]!.push(probabilities[i]!);
  }

  labels(): Uint8Array {
    return this.labelBytes.view();
  }

  probabilities(model: number): Float64Array {
    return this.scores[model]!.view();
  }

  sliceColumns(): Record<string, SliceColumn> {
    return Object.fromEntries([...this.slices].map(([column, builder]) => [column, builder.finish()]));
  }
}
