// Raw examples → click probabilities with a model and its own encoder: evaluation and serving share it.
import type { Example } from '../features/example';
import { DatasetBuilder } from '../features/dataset';
import type { Encoder } from '../features/transform';
import type { ClickModel } from './architecture';
import type { PixelSource } from './forward';
import { predictProbabilities } from './train-loop';

export function predictExamples(model: ClickModel, encoder: Encoder, examples: Example[], imageRow: (key: string) => number, pixels: PixelSource | undefined): Float32Array {
  const builder = new DatasetBuilder(encoder.widths);
  for (const example of examples) builder.push(encoder.encode(example, imageRow), example.y);
  return predictProbabilities(model, encoder.transform, builder.build(), pixels);
}
