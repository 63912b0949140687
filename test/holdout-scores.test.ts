// Evaluation keeps the holdout packed (byte labels, double scores, coded slice values): the numbers it
// reports must be the ones plain per-row arrays give.
import { describe, expect, it } from 'vitest';
import { metricsBySlice } from '../core/evaluation/evaluate-model';
import { HoldoutScores } from '../core/evaluation/holdout-scores';
import { computeMetrics } from '../core/evaluation/metrics';
import { rocCurve } from '../core/evaluation/roc';
import { compareAuc } from '../core/evaluation/significance';
import { Random } from '../core/random';

const devices = ['mobile', 'desktop', 'tablet', '(missing)'];
const placements = ['feed', 'sidebar', 'search'];

function rows(count: number, seed: number) {
  const random = new Random(seed);
  return Array.from({ length: count }, () => {
    const device = devices[Math.floor(random.next() * devices.length)]!;
    const placement = placements[Math.floor(random.next() * placements.length)]!;
    const candidate = random.next() * 0.3;
    // Coarse champion scores: many ties, which ranks must share.
    const champion = Math.round(random.next() * 20) / 100;
    return { device, placement, candidate, champion, label: random.next() < candidate ? 1 : 0 };
  });
}

describe('packed holdout scores', () => {
  it('give the same overall, per-slice, ROC and comparison numbers as plain arrays', () => {
    const data = rows(20_000, 7);
    const holdout = new HoldoutScores(2, ['device', 'placement']);
    // Added as evaluation does: scores and rows in chunks, in the same order.
    for (let start = 0; start < data.length; start += 4096) {
      const chunk = data.slice(start, start + 4096);
      holdout.addScores(
        0,
        chunk.map((r) => r.candidate),
      );
      holdout.addScores(
        1,
        chunk.map((r) => r.champion),
      );
      for (const row of chunk) holdout.addRow(row.label, (column) => row[column as 'device' | 'placement']);
    }
    const labels = data.map((r) => r.label);
    const candidate = data.map((r) => r.candidate);
    const champion = data.map((r) => r.champion);

    expect(holdout.rows).toBe(data.length);
    expect(computeMetrics(holdout.labels(), holdout.probabilities(0))).toEqual(computeMetrics(labels, candidate));
    expect(rocCurve(holdout.labels(), holdout.probabilities(1))).toEqual(rocCurve(labels, champion));
    expect(compareAuc(holdout.labels(), holdout.probabilities(0), holdout.probabilities(1))).toEqual(compareAuc(labels, candidate, champion));

    const slices = metricsBySlice(holdout.labels(), holdout.probabilities(0), holdout.sliceColumns());
    const expected = ['device', 'placement'].flatMap((column) =>
      [...new Set(data.map((r) => r[column as 'device' | 'placement']))].sort().map((value) => {
        const members = data.filter((r) => r[column as 'device' | 'placement'] === value);
        return {
          column,
          value,
          metrics: computeMetrics(
            members.map((r) => r.label),
            members.map((r) => r.candidate),
          ),
        };
      }),
    );
    expect(slices).toEqual(expected);
    expect(slices.map((s) => s.value)).toEqual(['(missing)', 'desktop', 'mobile', 'tablet', 'feed', 'search', 'sidebar']);
  });

  it('computes DeLong components in one pass that equal their definition (pairwise, ties counting half)', () => {
    const data = rows(1500, 3);
    const labels = data.map((r) => r.label);
    const [a, b] = [data.map((r) => r.candidate), data.map((r) => r.champion)];
    // By definition: a positive's component is the share of negatives it outscores; a negative's, the share of positives outscoring it.
    const components = (scores: number[]) => {
      const positives = scores.filter((_, i) => labels[i] === 1);
      const negatives = scores.filter((_, i) => labels[i] === 0);
      const beats = (x: number, y: number) => (x > y ? 1 : x === y ? 0.5 : 0);
      return {
        positive: positives.map((p) => negatives.reduce((s, n) => s + beats(p, n), 0) / negatives.length),
        negative: negatives.map((n) => positives.reduce((s, p) => s + beats(p, n), 0) / positives.length),
      };
    };
    const [ca, cb] = [components(a), components(b)];
    const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
    const cov = (x: number[], y: number[]) => x.reduce((s, xi, i) => s + (xi - mean(x)) * (y[i]! - mean(y)), 0) / (x.length - 1);
    const variance =
      (cov(ca.positive, ca.positive) + cov(cb.positive, cb.positive) - 2 * cov(ca.positive, cb.positive)) / ca.positive.length +
      (cov(ca.negative, ca.negative) + cov(cb.negative, cb.negative) - 2 * cov(ca.negative, cb.negative)) / ca.negative.length;
    const comparison = compareAuc(labels, a, b);
    expect(comparison.difference).toBeCloseTo(mean(ca.positive) - mean(cb.positive), 12);
    expect(comparison.standardError).toBeCloseTo(Math.sqrt(variance), 12);
  });

  it('leaves out slices too small or without clicks', () => {
    const holdout = new HoldoutScores(1, ['device']);
    for (let i = 0; i < 1000; i++) holdout.addRow(i < 600 ? (i % 10 === 0 ? 1 : 0) : 0, () => (i < 600 ? 'mobile' : i < 900 ? 'desktop' : 'tablet'));
    holdout.addScores(
      0,
      Float64Array.from({ length: 1000 }, (_, i) => (i % 7) / 10),
    );
    const slices = metricsBySlice(holdout.labels(), holdout.probabilities(0), holdout.sliceColumns());
    // desktop has 300 rows but no click; tablet has 100 rows (< 200).
    expect(slices.map((s) => [s.value, s.metrics.count, s.metrics.positives])).toEqual([['mobile', 600, 60]]);
  });
});
