// The baseline the click model must beat: logistic regression on the same encoded features (one
// weight per categorical value and per headline word, linear in the numeric features; no image),
// trained on the same split with the same early stopping.
import * as tf from '@tensorflow/tfjs';
import type { EncodedDataset } from '../core/features/dataset';
import { categoricalCardinality, textCardinality, type FittedTransform } from '../core/features/transform';
import { freshTrainState, predictProbabilities, runTraining } from '../core/model/train-loop';
import type { ClickModel } from '../core/model/architecture';

function logisticHead(transform: FittedTransform, baseRate: number): tf.LayersModel {
  const inputs: tf.SymbolicTensor[] = [];
  const terms: tf.SymbolicTensor[] = [];
  if (transform.numeric.length > 0) {
    const numeric = tf.input({ shape: [transform.numeric.length] });
    inputs.push(numeric);
    terms.push(tf.layers.dense({ units: 1, useBias: false }).apply(numeric) as tf.SymbolicTensor);
  }
  for (const column of transform.categorical) {
    const input = tf.input({ shape: [1], dtype: 'int32' });
    inputs.push(input);
    // A one-wide embedding is exactly one weight per one-hot value.
    terms.push(tf.layers.flatten().apply(tf.layers.embedding({ inputDim: categoricalCardinality(column), outputDim: 1 }).apply(input)) as tf.SymbolicTensor);
  }
  for (const column of transform.text) {
    const input = tf.input({ shape: [column.maxTokens], dtype: 'int32' });
    inputs.push(input);
    terms.push(tf.layers.globalAveragePooling1d({}).apply(tf.layers.embedding({ inputDim: textCardinality(column), outputDim: 1 }).apply(input)) as tf.SymbolicTensor);
  }
  const sum = terms.length > 1 ? (tf.layers.add().apply(terms) as tf.SymbolicTensor) : terms[0]!;
  const prior = Math.log(baseRate / (1 - baseRate));
  const logit = tf.layers.dense({ units: 1, kernelInitializer: 'ones', biasInitializer: tf.initializers.constant({ value: prior }), trainable: true }).apply(sum) as tf.SymbolicTensor;
  return tf.model({ inputs, outputs: logit });
}

export interface LogisticBaseline {
  /** Click probabilities for rows encoded with the transform the baseline was trained with. */
  predict(dataset: EncodedDataset): Float32Array;
  dispose(): void;
}

export async function trainLogisticBaseline(
  transform: FittedTransform, train: EncodedDataset, holdout: EncodedDataset, maxEpochs: number,
): Promise<LogisticBaseline> {
  const tabular: FittedTransform = { ...transform, image: undefined };
  const baseRate = train.label.reduce((a, b) => a + b, 0) / train.rows;
  const model: ClickModel = { head: logisticHead(tabular, baseRate) };
  await runTraining({
    model, transform: tabular, train, holdout, optimizer: tf.train.adam(0.01), state: freshTrainState(), attempt: 1,
    options: { maxEpochs, patience: 2, batchSize: 1024, learningRate: 0.01, embeddingL2: 0, seed: 1 },
    onEpoch: async () => undefined,
  });
  return { predict: (dataset) => predictProbabilities(model, tabular, dataset, undefined), dispose: () => model.head.dispose() };
}
