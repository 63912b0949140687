// Value counts in bounded memory: the first `capacity` distinct values are counted one by one and any
// later new value adds to a single "other" count, so millions of rows never grow the map further.

/** Serialised counts: most frequent first (ties by value), plus everything beyond the capacity. */
export interface ValueCounts {
  values: [string, number][];
  other: number;
}

const byCountThenValue = (a: [string, number], b: [string, number]) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);

export class BoundedCounter {
  private readonly counts = new Map<string, number>();
  private other = 0;

  constructor(private readonly capacity: number) {}

  add(value: string, count = 1): void {
    const current = this.counts.get(value);
    if (current !== undefined) this.counts.set(value, current + count);
    else if (this.counts.size < this.capacity) this.counts.set(value, count);
    else this.other += count;
  }

  result(): ValueCounts {
    return { values: [...this.counts].sort(byCountThenValue), other: this.other };
  }
}

/** Exact while the union fits the capacity; beyond it the least frequent values join "other". */
export function mergeValueCounts(a: ValueCounts, b: ValueCounts, capacity: number): ValueCounts {
  const union = new Map<string, number>(a.values);
  for (const [value, count] of b.values) union.set(value, (union.get(value) ?? 0) + count);
  const sorted = [...union].sort(byCountThenValue);
  const dropped = sorted.slice(capacity).reduce((sum, [, count]) => sum + count, 0);
  return { values: sorted.slice(0, capacity), other: a.other + b.other + dropped };
}
