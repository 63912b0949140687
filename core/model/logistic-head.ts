// The baseline every candidate must beat: logistic regression on the same encoded features — one weight
// per id (categorical values and numeric buckets) and per headline word, linear in the numeric values;
// no image. Built with the same input names as the click model, so it trains, saves and predicts alike.
import * as tf from '@tensorflow/tfjs';
import { idFields, textCardinality, type FittedTransform } from '../features/transform';

export function buildLogisticHead(transform: FittedTransform, baseRate: number): tf.LayersModel {
  const inputs: tf.SymbolicTensor[] = [];
  const terms: tf.SymbolicTensor[] = [];
  const term = (layers: tf.layers.Layer[], input: tf.SymbolicTensor) => terms.push(layers.reduce((x, layer) => layer.apply(x) as tf.SymbolicTensor, input));
  if (transform.numeric.length > 0) {
    const numeric = tf.input({ shape: [transform.numeric.length], name: 'numeric' });
    inputs.push(numeric);
    term([tf.layers.dense({ units: 1, useBias: false, kernelInitializer: 'zeros', name: 'numeric_weights' })], numeric);
  }
  const ids = idFields(transform);
  if (ids.length > 0) {
    const input = tf.input({ shape: [ids.length], name: 'ids', dtype: 'int32' });
    inputs.push(input);
    const rows = ids.reduce((sum, field) => sum + field.cardinality, 0);
    // A one-wide embedding is exactly one weight per one-hot value; the fixed sum adds them up.
    term(
      [
        tf.layers.embedding({ inputDim: rows, outputDim: 1, embeddingsInitializer: 'zeros', name: 'emb_ids' }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 1, useBias: false, kernelInitializer: 'ones', trainable: false, name: 'id_sum' }),
      ],
      input,
    );
  }
  for (const column of transform.text) {
    const input = tf.input({ shape: [column.maxTokens], name: `text_${column.name}`, dtype: 'int32' });
    inputs.push(input);
    term(
      [
        tf.layers.embedding({ inputDim: textCardinality(column), outputDim: 1, embeddingsInitializer: 'zeros', name: `emb_text_${column.name}` }),
        tf.layers.globalAveragePooling1d({}),
      ],
      input,
    );
  }
  const prior = Math.log(baseRate / (1 - baseRate));
  // A learned scale on the sum is still a linear model; the layer is there for its bias.
  const bias = tf.layers.dense({ units: 1, kernelInitializer: 'ones', biasInitializer: tf.initializers.constant({ value: prior }), name: 'logit' });
  const sum = terms.length > 1 ? (tf.layers.add().apply(terms) as tf.SymbolicTensor) : terms[0]!;
  return tf.model({ inputs, outputs: bias.apply(sum) as tf.SymbolicTensor, name: 'logistic_baseline' });
}
