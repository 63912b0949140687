// Blessing rejects a candidate for a shortfall the holdout shows beyond its own noise, and only then:
// DeLong's standard error for two AUCs on the same rows, the paired error of log loss, the click noise
// of calibration.
import { describe, expect, it } from 'vitest';
import { bless, type BlessingRules, type Rival } from '../core/evaluation/blessing';
import { auc, computeMetrics, logLoss } from '../core/evaluation/metrics';
import { compareAuc, compareLogLoss } from '../core/evaluation/significance';
import { Random } from '../core/random';

/** Rows with a true probability; model scores are that probability blurred by noise of the given size. */
function holdout(rows: number, seed: number) {
  const random = new Random(seed);
  const truth = Array.from({ length: rows }, () => 1 / (1 + Math.exp(-random.normal(-3.5, 1))));
  const labels = truth.map((p) => (random.chance(p) ? 1 : 0));
  const blurred = (noise: number) => truth.map((p) => 1 / (1 + Math.exp(-(Math.log(p / (1 - p)) + random.normal(0, noise)))));
  return { labels, truth, blurred };
}

function rival(labels: number[], candidate: number[], other: number[]): Rival {
  return { metrics: computeMetrics(labels, other), auc: compareAuc(labels, candidate, other), logLoss: compareLogLoss(labels, candidate, other) };
}

const rules: BlessingRules = { minAuc: 0.5, maxLogLoss: 1, maxCalibrationError: 0.1, maxAucDrop: 0.01, maxLogLossIncrease: 0.02, maxBaselineGap: 0 };

describe('comparisons', () => {
  it('gives the exact AUC and log-loss differences, and a standard error that matches the bootstrap', () => {
    const { labels, blurred } = holdout(4000, 1);
    const [a, b] = [blurred(0.5), blurred(1.5)];
    const byAuc = compareAuc(labels, a, b);
    expect(byAuc.difference).toBeCloseTo(auc(labels, a) - auc(labels, b), 12);
    expect(compareLogLoss(labels, a, b).difference).toBeCloseTo(logLoss(labels, a) - logLoss(labels, b), 12);
    const random = new Random(9);
    const resampled = Array.from({ length: 300 }, () => {
      const pick = Array.from({ length: labels.length }, () => random.int(0, labels.length - 1));
      const take = (values: number[]) => pick.map((i) => values[i]!);
      return auc(take(labels), take(a)) - auc(take(labels), take(b));
    });
    const mean = resampled.reduce((s, d) => s + d, 0) / resampled.length;
    const bootstrap = Math.sqrt(resampled.reduce((s, d) => s + (d - mean) ** 2, 0) / (resampled.length - 1));
    expect(byAuc.standardError / bootstrap).toBeGreaterThan(0.8);
    expect(byAuc.standardError / bootstrap).toBeLessThan(1.25);
    expect(compareAuc(labels, a, a)).toEqual({ difference: 0, standardError: 0 });
  });
});

describe('blessing', () => {
  it('does not reject a candidate for a baseline lead that is within the noise of a small holdout', () => {
    const { labels, blurred } = holdout(3000, 2);
    const baseline = blurred(0.8);
    const random = new Random(6);
    const candidate = baseline.map((p) => p * Math.exp(random.normal(0, 0.3)));
    const comparison = compareAuc(labels, candidate, baseline);
    expect(comparison.difference).toBeLessThan(0);
    expect(comparison.difference).toBeGreaterThan(-3 * comparison.standardError);
    expect(bless(computeMetrics(labels, candidate), { ...rules, maxCalibrationError: 10 }, { baseline: rival(labels, candidate, baseline) })).toEqual({
      blessed: true,
      reasons: [],
    });
  });

  it('rejects a candidate that clearly loses to the baseline, and one that clearly trails the champion', () => {
    const { labels, blurred } = holdout(200_000, 3);
    const [candidate, better] = [blurred(1.2), blurred(0.3)];
    const metrics = computeMetrics(labels, candidate);
    const lenient = { ...rules, maxCalibrationError: 10 };
    const asBaseline = bless(metrics, lenient, { baseline: rival(labels, candidate, better) });
    expect(asBaseline.reasons.join()).toMatch(
      /loses to the logistic-regression baseline's 0\.\d{4} on the same rows \(difference -0\.\d{4} ±0\.\d{4}, allowed gap 0\)/,
    );
    const asChampion = bless(metrics, lenient, { champion: rival(labels, candidate, better) });
    expect(asChampion.reasons.join()).toMatch(/trails the champion's/);
    expect(bless(metrics, { ...lenient, maxAucDrop: 0.5, maxLogLossIncrease: 1 }, { champion: rival(labels, candidate, better) }).blessed).toBe(true);
  });

  it('rejects clear miscalibration but not a small month whose click count alone explains the gap', () => {
    const big = holdout(200_000, 4);
    const over = big.truth.map((p) => p * 1.3);
    expect(bless(computeMetrics(big.labels, over), rules).reasons.join()).toMatch(/^calibration 1\.\d{4} ±0\.\d{4} .* is off by more than 0\.1$/);
    expect(bless(computeMetrics(big.labels, big.truth), rules).blessed).toBe(true);
    const small = holdout(2000, 5);
    const metrics = computeMetrics(
      small.labels,
      small.truth.map((p) => p * 1.15),
    );
    expect(Math.abs(metrics.calibration - 1)).toBeGreaterThan(0.1);
    expect(bless(metrics, rules).blessed).toBe(true);
  });
});
