// The inference thread's side (see inference-thread.ts): builds one model version from its files, checks it
// with one all-defaults row, then runs the forward passes and image-tower calls it is sent, one at a time.
import { parentPort, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { DatasetBuilder } from '../features/dataset';
import { Encoder } from '../features/transform';
import { disposeClickModel, IMAGE_EMBEDDING, type ClickModel } from '../model/architecture';
import { towerEmbeddings } from '../model/forward';
import { buildLoadedModel, type LoadedModel } from '../model/model-files';
import { predictProbabilities } from '../model/predict';
import { initTensorFlow } from '../tf/backend';
import type { InferenceCall, InferenceReply, InferenceThreadData } from './inference-thread';

const { files, backend, version } = workerData as InferenceThreadData;
await initTensorFlow(backend);
const loaded = await buildLoadedModel(files);
try {
  warmUp(loaded, version);
} catch (error) {
  disposeClickModel(loaded.model);
  throw error;
}
parentPort!.on('message', (call: InferenceCall) => {
  try {
    parentPort!.postMessage(answer(call, loaded.model));
  } catch (error) {
    parentPort!.postMessage({ id: call.id, error: (error as Error).message } satisfies InferenceReply);
  }
});
parentPort!.postMessage('ready');

function answer(call: InferenceCall, model: ClickModel): InferenceReply {
  if (call.kind === 'score') {
    const withImages = Boolean(loaded.transform.image && model.imageTower);
    const values = predictProbabilities(model, loaded.transform, call.data, withImages ? { embeddings: call.embeddings } : undefined);
    return { id: call.id, values };
  }
  const size = loaded.transform.image!.size;
  const table = tf.tidy(() => towerEmbeddings(model.imageTower!, size, call.pixels, call.count));
  const values = table.dataSync() as Float32Array;
  table.dispose();
  if (values.length !== call.count * IMAGE_EMBEDDING) throw new Error(`the image tower gave ${values.length} values for ${call.count} images`);
  return { id: call.id, values };
}

// One all-defaults row (and a blank image when the model has an image tower) through the whole graph.
function warmUp({ model, transform }: LoadedModel, version: number): void {
  const { widths } = new Encoder(transform);
  const builder = new DatasetBuilder(widths);
  const withImage = Boolean(model.imageTower && transform.image);
  builder.push(
    {
      numeric: new Array<number>(widths.numeric).fill(0),
      categorical: new Array<number>(widths.categorical).fill(0),
      text: new Array<number>(widths.text).fill(0),
      image: withImage ? 0 : -1,
    },
    0,
  );
  const size = transform.image?.size ?? 0;
  const blank = new Uint8Array(size * size * 3);
  const [probability] = predictProbabilities(model, transform, builder.build(), withImage ? () => blank : undefined);
  if (!Number.isFinite(probability)) throw new Error(`v${version} predicts ${probability} for a default row; refusing to serve it`);
}
