// Tuning (TFX Tuner): trial 0 trains with the configured options; each further trial draws its own
// learning rate, embedding L2 and width around them. Pure and seeded, so the workflow can plan trials.
import { Random } from '../random';
import type { HeadShape } from './architecture';
import type { TrainOptions } from './train-loop';

const SHAPES: HeadShape[] = [
  { fieldSize: 4, hidden: [32] },
  { fieldSize: 8, hidden: [64, 32] },
  { fieldSize: 16, hidden: [128, 64] },
];

export function tuningTrials(base: TrainOptions, trials: number): TrainOptions[] {
  const random = new Random(base.seed);
  return Array.from({ length: Math.max(1, trials) }, (_, trial) => {
    // Draw for every trial, trial 0 included, so trial k's options do not depend on how many trials run.
    const draw = {
      learningRate: base.learningRate * 2 ** random.uniform(-1.5, 1.5),
      embeddingL2: base.embeddingL2 * 10 ** random.uniform(-1, 1),
      shape: random.pick(SHAPES),
    };
    return trial === 0 ? base : { ...base, ...draw, seed: base.seed + trial };
  });
}

/** The trial with the lowest validation loss; ties go to the earlier trial. */
export function bestTrial<T extends { bestValidationLoss: number }>(results: T[]): T {
  return results.reduce((best, result) => (result.bestValidationLoss < best.bestValidationLoss ? result : best));
}
