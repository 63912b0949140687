// A training step's loss, mean log loss plus L2 on embedding tables, with gradients written out:
// tf.losses.sigmoidCrossEntropy and square().sum() record ~50 ops a step between them and their
// gradients; the same values and gradients take ~15 here (test/head-forward.test.ts compares them).
import * as tf from '@tensorflow/tfjs';

export interface Penalty {
  tables: tf.Variable[];
  l2: number;
}

/** Mean sigmoid cross-entropy of logits against 0/1 labels: softplus(z) − z·y, gradient (sigmoid(z) − y) / rows. */
export function batchLogLoss(logits: tf.Tensor1D, labels: tf.Tensor1D): tf.Scalar {
  const loss = tf.customGrad((z, save) => {
    // Saved, not captured: tensors made inside a minimize() callback are gone by the time gradients run.
    (save as tf.GradSaveFunc)([z as tf.Tensor, labels]);
    return {
      value: tf.mean(tf.sub(tf.softplus(z as tf.Tensor), tf.mul(z as tf.Tensor, labels))),
      gradFunc: (dy, [saved, y]) => tf.mul(tf.sub(tf.sigmoid(saved!), y!), tf.div(dy, y!.size)),
    };
  });
  return loss(logits) as tf.Scalar;
}

/** Σ l2 · Σ w² over each penalty's tables; gradient 2 · l2 · w. */
export function l2Penalty(penalties: Penalty[]): tf.Scalar | undefined {
  if (penalties.length === 0) return undefined;
  const penalty = tf.customGrad((...args) => {
    const weights = args.slice(0, -1) as tf.Tensor[];
    let at = 0;
    const groups = penalties.map((p) => ({ l2: p.l2, tables: weights.slice(at, (at += p.tables.length)) }));
    const sums = groups.map(({ l2, tables }) => tf.mul(tf.addN(tables.map((w) => tf.sum(tf.square(w)))), l2));
    return {
      value: sums.length > 1 ? tf.addN(sums) : sums[0]!,
      gradFunc: (dy) =>
        groups.flatMap(({ l2, tables }) => {
          const scale = tf.mul(dy, 2 * l2);
          return tables.map((w) => tf.mul(w, scale));
        }),
    };
  });
  return penalty(...penalties.flatMap((p) => p.tables)) as tf.Scalar;
}
