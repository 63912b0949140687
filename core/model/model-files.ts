// Saves and loads a trained click model as files under a bucket prefix: each Keras-style model as
// model.json + weights.bin (the standard TensorFlow.js layers format), plus its transform and spec.
import * as tf from '@tensorflow/tfjs';
import { getJson, getJsonIfExists, putJson, type BlobStore } from '../storage/blob-store';
import type { FittedTransform } from '../features/transform';
import type { FeatureSpec } from '../features/spec';
import type { ClickModel } from './architecture';
import type { Calibration } from './calibration';

export interface ModelCard {
  trainedOn: string;
  baseRate: number;
  backend: string;
  epochs: number;
  bestEpoch: number;
  /** Log loss on the validation days at the best epoch, before calibration. */
  validationLoss: number;
  /** 'click-model' (Wide & Deep) or 'logistic-baseline'. */
  kind?: string;
}

export interface LoadedModel {
  model: ClickModel;
  transform: FittedTransform;
  spec: FeatureSpec;
  card: ModelCard;
}

async function saveLayers(store: BlobStore, prefix: string, model: tf.LayersModel): Promise<void> {
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weights = artifacts.weightData instanceof ArrayBuffer ? artifacts.weightData : tf.io.concatenateArrayBuffers(artifacts.weightData as ArrayBuffer[]);
      await store.put(`${prefix}/weights.bin`, Buffer.from(weights));
      await putJson(store, `${prefix}/model.json`, {
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: null,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
      });
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
}

/** A layers model's files as plain data: what a worker thread can be sent to build the model from. */
export interface LayersFiles {
  modelTopology: object;
  weightSpecs: tf.io.WeightsManifestEntry[];
  weightData: ArrayBuffer;
}

async function readLayers(store: BlobStore, prefix: string): Promise<LayersFiles> {
  const json = await getJson<{ modelTopology: object; weightsManifest: { weights: tf.io.WeightsManifestEntry[] }[] }>(store, `${prefix}/model.json`);
  const weights = await store.get(`${prefix}/weights.bin`);
  return { modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0]!.weights, weightData: new Uint8Array(weights).buffer };
}

/** Writes every file of the model under `prefix` and returns their names (relative to it). */
export async function saveClickModel(store: BlobStore, prefix: string, loaded: LoadedModel): Promise<string[]> {
  const names = ['head/model.json', 'head/weights.bin', 'transform.json', 'spec.json', 'model-card.json'];
  await saveLayers(store, `${prefix}/head`, loaded.model.head);
  if (loaded.model.imageTower) {
    await saveLayers(store, `${prefix}/image-tower`, loaded.model.imageTower);
    names.push('image-tower/model.json', 'image-tower/weights.bin');
  }
  if (loaded.model.calibration) {
    await putJson(store, `${prefix}/calibration.json`, loaded.model.calibration);
    names.push('calibration.json');
  }
  await putJson(store, `${prefix}/transform.json`, loaded.transform);
  await putJson(store, `${prefix}/spec.json`, loaded.spec);
  await putJson(store, `${prefix}/model-card.json`, loaded.card);
  return names;
}

/** Every file of a model, read but not yet built into tensors. */
export interface ClickModelFiles {
  head: LayersFiles;
  imageTower?: LayersFiles;
  calibration?: Calibration;
  transform: FittedTransform;
  spec: FeatureSpec;
  card: ModelCard;
}

/** Reads from a prefix, or from a file-name → key mapping (a registry version's files). */
export async function readClickModelFiles(store: BlobStore, location: string | ((name: string) => string)): Promise<ClickModelFiles> {
  const keyOf = typeof location === 'string' ? (name: string) => `${location}/${name}` : location;
  const transform = await getJson<FittedTransform>(store, keyOf('transform.json'));
  const [head, imageTower, spec, card, calibration] = await Promise.all([
    readLayers(store, keyOf('head/model.json').replace(/\/model\.json$/, '')),
    transform.image ? readLayers(store, keyOf('image-tower/model.json').replace(/\/model\.json$/, '')) : Promise.resolve(undefined),
    getJson<FeatureSpec>(store, keyOf('spec.json')),
    getJson<ModelCard>(store, keyOf('model-card.json')),
    // Models saved before calibration have none: they predict their raw probability.
    getJsonIfExists<Calibration>(store, keyOf('calibration.json')),
  ]);
  return { head, imageTower, calibration, transform, spec, card };
}

const buildLayers = (files: LayersFiles) => tf.loadLayersModel(tf.io.fromMemory(files));

/** The model's tensors from its files (in whichever thread will run it). */
export async function buildLoadedModel(files: ClickModelFiles): Promise<LoadedModel> {
  const [head, imageTower] = await Promise.all([buildLayers(files.head), files.imageTower ? buildLayers(files.imageTower) : Promise.resolve(undefined)]);
  return { model: { head, imageTower, calibration: files.calibration }, transform: files.transform, spec: files.spec, card: files.card };
}

/** Loads from a prefix, or from a file-name → key mapping (a registry version's files). */
export async function loadClickModel(store: BlobStore, location: string | ((name: string) => string)): Promise<LoadedModel> {
  return buildLoadedModel(await readClickModelFiles(store, location));
}
