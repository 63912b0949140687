// Recognises an image tower built by today's buildImageTower (architecture.ts): ReLU convolutions (same
// padding, stride 1, with bias) and 2×2 max pools in a chain, the last averaged
// over the image, beside the image's mean colour, into one ReLU dense layer. tower-forward.ts runs such a
// tower by hand over the same variables; anything else is left to the LayersModel.
import * as tf from '@tensorflow/tfjs';

type Weight = tf.layers.Layer['weights'][number];

export type TowerStage = { kind: 'conv'; kernel: Weight; bias: Weight } | { kind: 'pool' };

export interface TowerLayout {
  stages: TowerStage[];
  dense: { kernel: Weight; bias: Weight };
}

const layouts = new WeakMap<tf.LayersModel, TowerLayout | null>();

/** The tower's layout, or undefined when it is not today's architecture (read once per model). */
export function towerLayout(tower: tf.LayersModel): TowerLayout | undefined {
  if (!layouts.has(tower)) layouts.set(tower, readLayout(tower) ?? null);
  return layouts.get(tower) ?? undefined;
}

type Config = Record<string, unknown>;
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const inbound = (layer: tf.layers.Layer): tf.layers.Layer[] =>
  (layer as unknown as { inboundNodes: { inboundLayers: tf.layers.Layer[] }[] }).inboundNodes[0]?.inboundLayers ?? [];

function readLayout(tower: tf.LayersModel): TowerLayout | undefined {
  if (tower.inputs.length !== 1 || tower.outputs.length !== 1) return undefined;
  const output = tower.outputs[0]!.sourceLayer as tf.layers.Layer;
  const dense = output.getConfig() as Config;
  if (output.getClassName() !== 'Dense' || dense.activation !== 'relu' || !dense.useBias) return undefined;
  const [concat] = inbound(output);
  if (!concat || concat.getClassName() !== 'Concatenate' || ![-1, 1].includes((concat.getConfig() as Config).axis as number)) return undefined;
  const [shapes, colour] = inbound(concat);
  if (inbound(concat).length !== 2 || shapes?.getClassName() !== 'GlobalAveragePooling2D' || colour?.getClassName() !== 'GlobalAveragePooling2D')
    return undefined;
  const [image] = inbound(colour);
  if (image?.getClassName() !== 'InputLayer') return undefined;
  const stages: TowerStage[] = [];
  for (let layer = inbound(shapes)[0]; layer !== image; layer = inbound(layer)[0]) {
    if (!layer || inbound(layer).length !== 1) return undefined;
    const stage = readStage(layer);
    if (!stage) return undefined;
    stages.unshift(stage);
  }
  if (stages[stages.length - 1]?.kind !== 'conv') return undefined;
  return { stages, dense: { kernel: output.weights[0]!, bias: output.weights[1]! } };
}

function readStage(layer: tf.layers.Layer): TowerStage | undefined {
  const config = layer.getConfig() as Config;
  if (config.dataFormat !== 'channelsLast') return undefined;
  if (layer.getClassName() === 'MaxPooling2D')
    return same(config.poolSize, [2, 2]) && same(config.strides, [2, 2]) && config.padding === 'valid' ? { kind: 'pool' } : undefined;
  if (layer.getClassName() !== 'Conv2D') return undefined;
  const plain = same(config.strides, [1, 1]) && same(config.dilationRate, [1, 1]) && config.padding === 'same';
  if (!plain || config.activation !== 'relu' || !config.useBias) return undefined;
  return { kind: 'conv', kernel: layer.weights[0]!, bias: layer.weights[1]! };
}
