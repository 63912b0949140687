// The image tower's forward pass written out over the LayersModel's own variables, as head-forward.ts does
// for the head: the same embeddings as tower.apply (test/tower-forward.test.ts), with each max pool run
// by oneDNN keeping its workspace (core/tf/max-pool-workspace.ts), so its gradient does not search every
// window again. In training the whole tower is one tf.customGrad whose gradients are written out below:
// ReluGrad, the two conv backprops, a pool gradient from the workspace, no Conv2DBackpropInput for the image.
import * as tf from '@tensorflow/tfjs';
import { fusedConv2dRelu, fusedConvAvailable } from '../tf/fused-conv';
import { maxPoolGradient, maxPoolWithWorkspace } from '../tf/max-pool-workspace';
import { reluGradient } from '../tf/relu-gradient';
import type { TowerLayout } from './tower-layout';

type Conv = Extract<TowerLayout['stages'][number], { kind: 'conv' }>;

/** What one stage keeps for the backward: its input, its output and a pool's workspace. */
interface StageTrace {
  input: tf.Tensor4D;
  output: tf.Tensor4D;
  workspace?: tf.Tensor;
}

/** The embeddings of `images` ([count, size, size, 3], scaled): [count, units]. */
export function towerForward(layout: TowerLayout, images: tf.Tensor4D, training: boolean): tf.Tensor2D {
  if (!training)
    return tf.tidy(() => {
      const { value, stages } = forward(layout, images);
      tf.dispose(stages.map((s) => s.workspace));
      return value;
    });
  const variables = towerVariables(layout);
  const tower = tf.customGrad((...args) => {
    const save = args.at(-1) as tf.GradSaveFunc;
    const { value, stages, joined } = forward(layout, images);
    // Saved, not captured: tensors made inside a minimize() callback are gone by the time gradients run.
    save([images, joined, value, ...stages.map((s) => s.output), ...stages.flatMap((s) => (s.workspace ? [s.workspace] : []))]);
    return { value, gradFunc: (dy, saved) => towerGradients(layout, ...unpack(layout, saved), dy as tf.Tensor2D) };
  });
  return tower(...variables) as tf.Tensor2D;
}

/** The saved list back into stage traces (each stage's input is the one before's output), joined and value. */
function unpack(layout: TowerLayout, saved: tf.Tensor[]): [StageTrace[], tf.Tensor2D, tf.Tensor2D] {
  const [images, joined, value, ...rest] = saved;
  const outputs = rest.slice(0, layout.stages.length) as tf.Tensor4D[];
  const workspaces = rest.slice(layout.stages.length);
  const stages = outputs.map((output, i) => ({
    input: (i === 0 ? images : outputs[i - 1]) as tf.Tensor4D,
    output,
    workspace: layout.stages[i]!.kind === 'pool' ? workspaces.shift() : undefined,
  }));
  return [stages, joined as tf.Tensor2D, value as tf.Tensor2D];
}

/** The variables a forward pass reads, in the order towerGradients returns their gradients. */
function towerVariables(layout: TowerLayout): tf.Variable[] {
  const convs = layout.stages.filter((s): s is Conv => s.kind === 'conv');
  return [...convs.flatMap((c) => [c.kernel, c.bias]), layout.dense.kernel, layout.dense.bias].map((w) => w.read() as tf.Variable);
}

function forward(layout: TowerLayout, images: tf.Tensor4D): { value: tf.Tensor2D; stages: StageTrace[]; joined: tf.Tensor2D } {
  const stages: StageTrace[] = [];
  let x = images;
  for (const stage of layout.stages) {
    if (stage.kind === 'pool') {
      const { output, workspace } = maxPoolWithWorkspace(x);
      stages.push({ input: x, output, workspace });
    } else {
      const [kernel, bias] = [stage.kernel.read() as tf.Tensor4D, stage.bias.read() as tf.Tensor1D];
      const output = fusedConvAvailable() ? fusedConv2dRelu(x, kernel, bias) : (tf.relu(tf.add(tf.conv2d(x, kernel, 1, 'same'), bias)) as tf.Tensor4D);
      stages.push({ input: x, output });
    }
    x = stages[stages.length - 1]!.output;
  }
  const joined = tf.concat([tf.mean(x, [1, 2]), tf.mean(images, [1, 2])], 1) as tf.Tensor2D;
  const product = tf.matMul(joined, layout.dense.kernel.read() as tf.Tensor2D);
  return { value: tf.relu(tf.add(product, layout.dense.bias.read())) as tf.Tensor2D, stages, joined };
}

/** Each variable's gradient, in towerVariables' order, given the embeddings' gradient. */
function towerGradients(layout: TowerLayout, stages: StageTrace[], joined: tf.Tensor2D, value: tf.Tensor2D, dy: tf.Tensor2D): tf.Tensor[] {
  const dDense = reluGradient(dy, value) as tf.Tensor2D;
  const dense = [tf.matMul(joined, dDense, true, false), tf.sum(dDense, 0)];
  const last = stages[stages.length - 1]!.output;
  const [count, height, width, channels] = last.shape;
  // The mean colour's gradient goes to the image, which learns nothing: only the shapes' part flows back.
  const dJoined = tf.matMul(dDense, layout.dense.kernel.read() as tf.Tensor2D, false, true);
  const dShapes = tf.div(tf.slice(dJoined, [0, 0], [count, channels]), height * width);
  let d = tf.tile(tf.reshape(dShapes, [count, 1, 1, channels]), [1, height, width, 1]) as tf.Tensor4D;
  const convs: tf.Tensor[][] = [];
  // A conv's ReLU gradient and bias gradient, when a pool follows it, taken at the pool's output (see below).
  let pooled: { dBiased: tf.Tensor4D; dBias: tf.Tensor } | undefined;
  for (let i = stages.length - 1; i >= 0; i--) {
    const stage = layout.stages[i]!;
    const { input, output, workspace } = stages[i]!;
    if (stage.kind === 'pool') {
      if (layout.stages[i - 1]?.kind !== 'conv') {
        d = maxPoolGradient(input, output, d, workspace!);
        continue;
      }
      // The pool's gradient lands only on each window's winner, whose ReLU output is the pool's output: masking
      // there equals masking the full-size gradient, on a quarter of the values; and as spreading adds only
      // zeros, the bias gradient (the full-size gradient's sum) is the masked one's sum.
      const masked = reluGradient(d, output) as tf.Tensor4D;
      pooled = { dBiased: maxPoolGradient(input, output, masked, workspace!), dBias: tf.sum(masked, [0, 1, 2]) };
      continue;
    }
    const dBiased = pooled?.dBiased ?? (reluGradient(d, output) as tf.Tensor4D);
    const dBias = pooled?.dBias ?? tf.sum(dBiased, [0, 1, 2]);
    pooled = undefined;
    const kernel = stage.kernel.read() as tf.Tensor4D;
    const attrs = { strides: 1, pad: 'same', dataFormat: 'NHWC' };
    const dKernel = tf.engine().runKernel('Conv2DBackpropFilter', { x: input, dy: dBiased }, { ...attrs, filterShape: kernel.shape }) as tf.Tensor;
    convs.unshift([dKernel, dBias]);
    if (i > 0) d = tf.engine().runKernel('Conv2DBackpropInput', { dy: dBiased, filter: kernel }, { ...attrs, inputShape: input.shape }) as tf.Tensor4D;
  }
  return [...convs.flat(), ...dense];
}
