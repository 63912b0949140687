// A model's inference thread on its own, with a real tiny model and real TensorFlow in a real worker thread:
// it predicts what the same model predicts in this thread, and when the thread stops on its own the call
// it held fails, naming the stop, and the next call is answered by a replacement built from the same files.
import type { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DatasetBuilder, type EncodedDataset } from '../core/features/dataset';
import { parseFeatureSpec } from '../core/features/spec';
import { parseRow } from '../core/features/parse-row';
import { Encoder } from '../core/features/transform';
import { buildLoadedModel, readClickModelFiles, type ClickModelFiles } from '../core/model/model-files';
import { predictProbabilities } from '../core/model/predict';
import { disposeClickModel } from '../core/model/architecture';
import { ModelRegistry } from '../core/registry/model-registry';
import { InferenceThread } from '../core/serving/inference-thread';
import { freshGcsStore } from './helpers/stack';
import { registerTinyModel, tinyInstance } from './helpers/tiny-model';

let files: ClickModelFiles;
let version: number;
let thread: InferenceThread;
let rows: EncodedDataset;

beforeAll(async () => {
  const store = await freshGcsStore();
  const registry = new ModelRegistry(store);
  ({ version } = await registerTinyModel(store, registry));
  files = await readClickModelFiles(store, (name) => registry.fileKey(version, name));
  thread = await InferenceThread.start(files, version);
  // Eight different instances, encoded as serving encodes them (no image: the thread then gets no embeddings).
  const spec = parseFeatureSpec(files.spec);
  const encoder = new Encoder(files.transform);
  const builder = new DatasetBuilder(encoder.widths);
  for (let i = 0; i < 8; i++) {
    const parsed = parseRow(spec, tinyInstance({ user_age: 20 + 5 * i, hour_of_day: 3 * i, image_path: null }), {
      requireLabel: false,
      resolveImage: (key) => key,
    });
    if (!parsed.ok) throw new Error(parsed.reason);
    builder.push(
      encoder.encode(parsed.example, () => -1),
      0,
    );
  }
  rows = builder.build();
});
afterAll(async () => {
  await thread?.close();
});

it('predicts what the same model predicts in this thread', async () => {
  const loaded = await buildLoadedModel(files);
  const here = predictProbabilities(loaded.model, loaded.transform, rows, undefined);
  disposeClickModel(loaded.model);
  const there = await thread.score(rows, new Float32Array(0));
  expect(there).toHaveLength(8);
  expect(new Set(there).size).toBeGreaterThan(1);
  there.forEach((probability, i) => expect(probability).toBeCloseTo(here[i]!, 6));
});

it('fails the call a stopped thread held, then answers from a replacement', async () => {
  const before = await thread.score(rows, new Float32Array(0));
  const held = thread.score(rows, new Float32Array(0));
  // The thread stops as a crash would stop it: not through close().
  await (thread as unknown as { worker: Worker }).worker.terminate();
  await expect(held).rejects.toThrow(`the inference thread of v${version} stopped (exit code 1)`);
  expect(await thread.score(rows, new Float32Array(0))).toEqual(before);
});
