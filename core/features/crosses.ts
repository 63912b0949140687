// Feature crosses for the model's linear part (Wide & Deep's "crossed columns"), chosen from the training
// split: every pair of small id columns (categories with a short vocabulary, numeric buckets) is tested
// for an interaction — how much better the pair's own click rate per cell explains the clicks than the
// two columns' effects added up — and the clearest few are kept. A linear model cannot learn "interest
// matches the ad's category" from the two columns; one weight per (interest, category) cell can.
import { Random } from '../random';
import type { Example } from './example';

export interface Cross {
  /** Two id columns, by their names in idFields order (a numeric column's buckets: `<name>_bucket`). */
  fields: [string, string];
  cardinality: number;
}

/** Id columns with at most this many ids may be crossed (so a cross has at most ~4k cells). */
export const MAX_CROSSABLE_IDS = 66;
const MAX_CROSSES = 8;
/** Rows kept to test pairs on: plenty for the strong interactions worth a cross. */
const SAMPLE_ROWS = 200_000;
/** One-sided z of the chi-square test a pair must pass (p < 0.001). */
const MIN_Z = 3.09;

/** A seeded reservoir of training rows (only their feature values and label). */
export class RowSample {
  readonly rows: Example[] = [];
  private seen = 0;
  private readonly random = new Random(0x5eed);

  constructor(readonly columns: string[]) {}

  add(example: Example): void {
    this.seen += 1;
    const slot = this.rows.length < SAMPLE_ROWS ? this.rows.length : Math.floor(this.random.next() * this.seen);
    if (slot >= SAMPLE_ROWS) return;
    this.rows[slot] = { t: example.t, y: example.y, f: Object.fromEntries(this.columns.map((c) => [c, example.f[c] ?? null])) };
  }
}

/** Picks the pairs of candidate columns with the clearest interactions on the sampled rows.
 *  `ids[r][k]` is row r's id in candidate column k; `cardinalities[k]` bounds those ids. */
export function selectCrosses(names: string[], cardinalities: number[], ids: Int32Array[], labels: Uint8Array): Cross[] {
  const scored: (Cross & { z: number })[] = [];
  for (let a = 0; a < names.length; a++) {
    for (let b = a + 1; b < names.length; b++) {
      const z = interactionZ(ids, labels, a, b, cardinalities[a]!, cardinalities[b]!);
      if (z > MIN_Z) scored.push({ fields: [names[a]!, names[b]!], cardinality: cardinalities[a]! * cardinalities[b]!, z });
    }
  }
  return scored
    .sort((x, y) => y.z - x.z)
    .slice(0, MAX_CROSSES)
    .map(({ fields, cardinality }) => ({ fields, cardinality }));
}

/** The deviance an additive logistic model of the two columns leaves that the cross explains, as a
 *  z-score of its chi-square distribution (Wilson–Hilferty), or -Infinity when there is nothing to test. */
function interactionZ(ids: Int32Array[], labels: Uint8Array, a: number, b: number, rowsA: number, rowsB: number): number {
  const n = new Float64Array(rowsA * rowsB);
  const y = new Float64Array(rowsA * rowsB);
  for (let r = 0; r < labels.length; r++) {
    const cell = ids[r]![a]! * rowsB + ids[r]![b]!;
    n[cell]! += 1;
    y[cell]! += labels[r]!;
  }
  const fitted = additiveFit(n, y, rowsA, rowsB);
  let deviance = 0;
  let cells = 0;
  const usedA = new Set<number>();
  const usedB = new Set<number>();
  for (let i = 0; i < rowsA; i++) {
    for (let j = 0; j < rowsB; j++) {
      const cell = i * rowsB + j;
      if (n[cell] === 0) continue;
      cells += 1;
      usedA.add(i);
      usedB.add(j);
      const mu = Math.min(Math.max(fitted[cell]!, 1e-9), n[cell]! - 1e-9);
      const clicks = y[cell]!;
      const misses = n[cell]! - clicks;
      deviance += 2 * ((clicks > 0 ? clicks * Math.log(clicks / mu) : 0) + (misses > 0 ? misses * Math.log(misses / (n[cell]! - mu)) : 0));
    }
  }
  const df = cells - usedA.size - usedB.size + 1;
  if (df <= 0) return -Infinity;
  const k = 2 / (9 * df);
  return (Math.cbrt(Math.max(deviance, 0) / df) - (1 - k)) / Math.sqrt(k);
}

/** Expected clicks per cell under logit p = rowEffect[i] + columnEffect[j], fitted by alternating
 *  one-dimensional Newton steps on the aggregated table. */
function additiveFit(n: Float64Array, y: Float64Array, rowsA: number, rowsB: number): Float64Array {
  const rowEffect = new Float64Array(rowsA);
  const columnEffect = new Float64Array(rowsB);
  const p = (i: number, j: number) => 1 / (1 + Math.exp(-(rowEffect[i]! + columnEffect[j]!)));
  // One Newton step for each level of one factor, the other held fixed; cell(level, other) indexes the table.
  const step = (effects: Float64Array, others: number, cell: (level: number, other: number) => [number, number]) => {
    for (let level = 0; level < effects.length; level++) {
      let gradient = 0,
        curvature = 1e-9;
      for (let other = 0; other < others; other++) {
        const [i, j] = cell(level, other);
        const q = p(i, j);
        gradient += y[i * rowsB + j]! - n[i * rowsB + j]! * q;
        curvature += n[i * rowsB + j]! * q * (1 - q);
      }
      effects[level] = Math.max(-20, Math.min(20, effects[level]! + gradient / curvature));
    }
  };
  for (let iteration = 0; iteration < 30; iteration++) {
    step(rowEffect, rowsB, (i, j) => [i, j]);
    step(columnEffect, rowsA, (j, i) => [i, j]);
  }
  return Float64Array.from({ length: rowsA * rowsB }, (_, cell) => n[cell]! * p(Math.floor(cell / rowsB), cell % rowsB));
}
