// Distances between two distributions given as counts over the same bins (or values, in the same
// order). Counts are normalised here, so months of different sizes compare directly.

function normalise(counts: readonly number[]): number[] {
  const total = counts.reduce((a, b) => a + b, 0);
  if (!(total > 0)) throw new RangeError('A distribution needs a positive total count');
  return counts.map((c) => c / total);
}

function aligned(p: readonly number[], q: readonly number[]): [number[], number[]] {
  if (p.length !== q.length) throw new RangeError(`Distributions over ${p.length} and ${q.length} bins do not align`);
  return [normalise(p), normalise(q)];
}

/** Jensen–Shannon divergence in bits: 0 for identical distributions, 1 for disjoint ones. */
export function jensenShannonDivergence(p: readonly number[], q: readonly number[]): number {
  const [a, b] = aligned(p, q);
  let divergence = 0;
  for (let i = 0; i < a.length; i++) {
    const m = (a[i]! + b[i]!) / 2;
    if (a[i]! > 0) divergence += (a[i]! * Math.log2(a[i]! / m)) / 2;
    if (b[i]! > 0) divergence += (b[i]! * Math.log2(b[i]! / m)) / 2;
  }
  // Rounding can step a hair outside the mathematical range.
  return Math.min(1, Math.max(0, divergence));
}

/** L-infinity distance (TFDV's categorical drift): the largest change in any one value's share. */
export function lInfinityDistance(p: readonly number[], q: readonly number[]): number {
  const [a, b] = aligned(p, q);
  return a.reduce((largest, x, i) => Math.max(largest, Math.abs(x - b[i]!)), 0);
}
