// Prediction: encoded rows → logits → click probabilities (through the model's calibration when it has
// one). Training, evaluation and serving all predict through here.
import * as tf from '@tensorflow/tfjs';
import { DatasetBuilder, type EncodedDataset } from '../features/dataset';
import type { Example } from '../features/example';
import type { Encoder, FittedTransform } from '../features/transform';
import { applyCalibration } from './calibration';
import type { ClickModel } from './architecture';
import { forwardLogits, sliceDataset, type ImageSource } from './forward';

const PREDICT_BATCH = 4096;

/** Raw logits for every row, in batches, before any calibration. */
export function predictLogits(model: ClickModel, transform: FittedTransform, data: EncodedDataset, pixels: ImageSource | undefined): Float32Array {
  const out = new Float32Array(data.rows);
  for (let start = 0; start < data.rows; start += PREDICT_BATCH) {
    const batch = sliceDataset(data, start, Math.min(start + PREDICT_BATCH, data.rows));
    const logits = tf.tidy(() => forwardLogits(model, transform, batch, pixels, false));
    out.set(logits.dataSync() as Float32Array, start);
    logits.dispose();
  }
  return out;
}

/** Click probabilities for every row: the calibrated ones when the model carries a calibration. */
export function predictProbabilities(model: ClickModel, transform: FittedTransform, data: EncodedDataset, pixels: ImageSource | undefined): Float32Array {
  const logits = predictLogits(model, transform, data, pixels);
  return logits.map((logit) => applyCalibration(model.calibration, logit));
}

/** Raw examples → click probabilities with a model and its own encoder: evaluation and serving share it. */
export function predictExamples(
  model: ClickModel,
  encoder: Encoder,
  examples: Example[],
  imageRow: (key: string) => number,
  pixels: ImageSource | undefined,
): Float32Array {
  const builder = new DatasetBuilder(encoder.widths);
  for (const example of examples) builder.push(encoder.encode(example, imageRow), example.y);
  return predictProbabilities(model, encoder.transform, builder.build(), pixels);
}
