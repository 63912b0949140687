// Fixed-edge histograms. Shards counted with the same edges add up exactly, and months counted with
// the same edges (the schema's) compare bin by bin.

/** Bins are [edges[i], edges[i+1]), the last one closed; values outside the edges are counted apart. */
export interface Histogram {
  edges: number[];
  counts: number[];
  underflow: number;
  overflow: number;
}

export interface ObservedRange {
  min: number;
  max: number;
}

export function equalWidthEdges(min: number, max: number, bins: number): number[] {
  // A degenerate range still needs a bin of positive width.
  const top = max > min ? max : min + 1;
  return Array.from({ length: bins + 1 }, (_, i) => (i === bins ? top : min + ((top - min) * i) / bins));
}

const MANTISSAS = [1, 1.5, 2, 3, 5, 7];

/** For features with no known range: a 1-1.5-2-3-5-7 grid over ±0.001…±7e9 and 0, the same every
 *  month and fine enough to pick quantile edges from. */
export const DEFAULT_EDGES: readonly number[] = (() => {
  const positive = [];
  for (let exponent = -3; exponent <= 9; exponent++) for (const m of MANTISSAS) positive.push(Number(`${m}e${exponent}`));
  return [...positive.map((v) => -v).reverse(), 0, ...positive];
})();

export function emptyHistogram(edges: readonly number[]): Histogram {
  if (edges.length < 2) throw new RangeError('A histogram needs at least two edges');
  return { edges: [...edges], counts: new Array<number>(edges.length - 1).fill(0), underflow: 0, overflow: 0 };
}

/** The bin holding `value`: -1 below the edges, `bins` above them. */
export function binIndex(edges: readonly number[], value: number): number {
  const last = edges.length - 1;
  if (value < edges[0]!) return -1;
  if (value > edges[last]!) return last;
  if (value === edges[last]) return last - 1;
  let lo = 0;
  let hi = last;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (edges[mid]! <= value) lo = mid;
    else hi = mid;
  }
  return lo;
}

export function addToHistogram(histogram: Histogram, value: number, count = 1): void {
  const bin = binIndex(histogram.edges, value);
  if (bin < 0) histogram.underflow += count;
  else if (bin >= histogram.counts.length) histogram.overflow += count;
  else histogram.counts[bin]! += count;
}

export function sameEdges(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((edge, i) => edge === b[i]);
}

export function mergeHistograms(a: Histogram, b: Histogram): Histogram {
  if (!sameEdges(a.edges, b.edges)) throw new Error('Histograms with different edges cannot be merged exactly');
  return { edges: [...a.edges], counts: a.counts.map((c, i) => c + b.counts[i]!), underflow: a.underflow + b.underflow, overflow: a.overflow + b.overflow };
}

/** Underflow, each bin, overflow: the masses divergences compare. */
export function masses(histogram: Histogram): number[] {
  return [histogram.underflow, ...histogram.counts, histogram.overflow];
}

/** Re-counts `histogram` onto other edges, spreading each bin evenly over its extent clipped to the
 *  observed range. Exact when every source bin lies inside one target bin (nested edges). */
export function rebin(histogram: Histogram, edges: readonly number[], observed: ObservedRange): Histogram {
  const target = emptyHistogram(edges);
  const { edges: from } = histogram;
  const sources = [
    { lo: observed.min, hi: from[0]!, count: histogram.underflow },
    ...histogram.counts.map((count, i) => ({ lo: Math.max(from[i]!, observed.min), hi: Math.min(from[i + 1]!, observed.max), count })),
    { lo: from[from.length - 1]!, hi: observed.max, count: histogram.overflow },
  ];
  const segments = [-Infinity, ...edges, Infinity];
  for (const { lo, hi, count } of sources) {
    if (count === 0) continue;
    if (!(hi > lo)) {
      addToHistogram(target, lo, count);
      continue;
    }
    for (let s = 0; s + 1 < segments.length; s++) {
      const overlap = Math.min(hi, segments[s + 1]!) - Math.max(lo, segments[s]!);
      if (overlap <= 0) continue;
      const share = count * (overlap / (hi - lo));
      if (s === 0) target.underflow += share;
      else if (s === segments.length - 2) target.overflow += share;
      else target.counts[s - 1]! += share;
    }
  }
  return target;
}

/** Up to `bins - 1` of the histogram's own edges nearest its quantiles i/bins, strictly inside
 *  (lo, hi) and splitting the data: edges picked this way keep the histogram nested in the result. */
export function quantileEdges(histogram: Histogram, bins: number, lo: number, hi: number): number[] {
  const total = masses(histogram).reduce((a, b) => a + b, 0);
  if (total === 0) return [];
  let below = histogram.underflow;
  const candidates = histogram.edges
    .map((edge, i) => {
      const fraction = below / total;
      below += histogram.counts[i] ?? 0;
      return { edge, fraction };
    })
    .filter((c) => c.edge > lo && c.edge < hi && c.fraction > 0 && c.fraction < 1);
  if (candidates.length === 0) return [];
  const picked = new Set<number>();
  for (let k = 1; k < bins; k++) {
    // Ties go to the larger edge: integer data then splits at 1 rather than at 0.001.
    const nearest = candidates.reduce((best, c) => (Math.abs(c.fraction - k / bins) <= Math.abs(best.fraction - k / bins) ? c : best));
    picked.add(nearest.edge);
  }
  return [...picked].sort((a, b) => a - b);
}
