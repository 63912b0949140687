// Prediction: encoded rows → logits → click probabilities (through the model's calibration when it has
// one). Training, evaluation and serving all predict through here.
import * as tf from '@tensorflow/tfjs';
import { DatasetBuilder, type EncodedDataset } from '../features/dataset';
import type { DatasetSource } from '../features/dataset-shards';
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

/** Raw logits and labels of a streamed dataset, chunk by chunk, yielding between chunks so heartbeats get through. */
export async function predictSourceLogits(
  model: ClickModel,
  transform: FittedTransform,
  source: DatasetSource,
  pixels: ImageSource | undefined,
): Promise<{ logits: Float32Array; labels: Float32Array }> {
  const logits = new Float32Array(source.rows);
  const labels = new Float32Array(source.rows);
  let at = 0;
  for await (const chunk of source.chunks()) {
    for (let start = 0; start < chunk.rows; start += PREDICT_BATCH) {
      const batch = sliceDataset(chunk, start, Math.min(start + PREDICT_BATCH, chunk.rows));
      const output = tf.tidy(() => forwardLogits(model, transform, batch, pixels, false));
      logits.set((await output.data()) as Float32Array, at + start);
      output.dispose();
      await new Promise((resolve) => setImmediate(resolve));
    }
    labels.set(chunk.label, at);
    at += chunk.rows;
  }
  return { logits, labels };
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
