// tfjs' Adam runs ~15 ops per variable per step: with the click head's 15 variables, that was ~40 % of
// a training step's ops. This Adam keeps every variable's moments in one flat vector and runs the same
// arithmetic once per step over all of them: element by element the same numbers as tf.train.adam
// (test/flat-adam.test.ts), and getWeights/setWeights in tf.train.adam's layout, so checkpoints of
// either restore into the other.
import * as tf from '@tensorflow/tfjs';

type NamedTensor = { name: string; tensor: tf.Tensor };

/** One variable's place in the flat vectors; `name` is known from the first step on. */
interface Slot {
  name?: string;
  shape: number[];
  size: number;
}

// Every reshape is an op of its own in tfjs-node: vectors are left as they are.
const flatten = (t: tf.Tensor) => (t.rank === 1 ? t : tf.reshape(t, [-1]));

export class FlatAdamOptimizer extends tf.Optimizer {
  static get className(): string {
    return 'FlatAdam';
  }

  private readonly accBeta1: tf.Variable;
  private readonly accBeta2: tf.Variable;
  private slots?: Slot[];
  private m?: tf.Variable;
  private v?: tf.Variable;
  /** getWeights' tensors: valid until its next call (a checkpoint writes them at once). */
  private exported: tf.Tensor[] = [];

  constructor(
    private readonly learningRate: number,
    private readonly beta1 = 0.9,
    private readonly beta2 = 0.999,
    private readonly epsilon = tf.backend().epsilon(),
  ) {
    super();
    this.accBeta1 = tf.tidy(() => tf.variable(tf.scalar(beta1), false));
    this.accBeta2 = tf.tidy(() => tf.variable(tf.scalar(beta2), false));
  }

  applyGradients(gradients: tf.NamedTensorMap | NamedTensor[]): void {
    const named: tf.NamedTensorMap = Array.isArray(gradients) ? Object.fromEntries(gradients.map((g) => [g.name, g.tensor])) : gradients;
    const slots = this.bind(Object.keys(named));
    const variables = slots.map((slot) => tf.engine().registeredVariables[slot.name!]!);
    tf.tidy(() => {
      const present = slots.map((slot) => named[slot.name!] != null);
      const gradient = tf.concat(slots.map((slot, i) => (present[i] ? flatten(named[slot.name!]!) : tf.zeros([slot.size]))));
      const m = tf.add(tf.mul(this.m!, this.beta1), tf.mul(gradient, 1 - this.beta1));
      const v = tf.add(tf.mul(this.v!, this.beta2), tf.mul(tf.square(gradient), 1 - this.beta2));
      const mHat = tf.div(m, tf.sub(1, this.accBeta1));
      const vHat = tf.div(v, tf.sub(1, this.accBeta2));
      const step = tf.mul(tf.div(mHat, tf.add(tf.sqrt(vHat), this.epsilon)), -this.learningRate);
      // A variable without a gradient this step keeps its moments and value, as in tf.train.adam.
      const keep = present.every(Boolean)
        ? undefined
        : tf.concat(slots.map((slot, i) => (present[i] ? tf.ones([slot.size], 'bool') : tf.zeros([slot.size], 'bool'))));
      this.m!.assign(keep ? tf.where(keep, m, this.m!) : m);
      this.v!.assign(keep ? tf.where(keep, v, this.v!) : v);
      const steps = tf.split(
        step,
        slots.map((slot) => slot.size),
      );
      slots.forEach((slot, i) => {
        if (present[i]) variables[i]!.assign(tf.add(slot.shape.length === 1 ? steps[i]! : tf.reshape(steps[i]!, slot.shape), variables[i]!));
      });
      this.accBeta1.assign(tf.mul(this.accBeta1, this.beta1));
      this.accBeta2.assign(tf.mul(this.accBeta2, this.beta2));
    });
    this.incrementIterations();
  }

  /** The variables' order is fixed by the first step (or by restored moments, matched by position). */
  private bind(names: string[]): Slot[] {
    if (!this.slots?.every((slot) => slot.name)) {
      const variables = tf.engine().registeredVariables;
      const slots = names.map((name) => ({ name, shape: variables[name]!.shape, size: variables[name]!.size }));
      if (this.slots && (this.slots.length !== slots.length || this.slots.some((slot, i) => slot.size !== slots[i]!.size)))
        throw new Error(`restored Adam moments (${this.slots.length} variables) do not fit the ${slots.length} variables being trained`);
      if (!this.slots) {
        const total = slots.reduce((sum, slot) => sum + slot.size, 0);
        this.m = tf.variable(tf.zeros([total]), false);
        this.v = tf.variable(tf.zeros([total]), false);
      }
      this.slots = slots;
    }
    const unknown = names.filter((name) => !this.slots!.some((slot) => slot.name === name));
    if (unknown.length > 0) throw new Error(`variables ${unknown.join(', ')} joined this optimizer after its first step`);
    return this.slots;
  }

  override async getWeights(): Promise<NamedTensor[]> {
    tf.dispose(this.exported);
    this.exported = [];
    const iterations = await this.saveIterations();
    if (!this.slots) return [iterations];
    const slots = this.slots;
    const unflatten = (flat: tf.Tensor) =>
      tf
        .split(
          flat,
          slots.map((slot) => slot.size),
        )
        .map((part, i) => part.reshape(slots[i]!.shape));
    this.exported = tf.tidy(() => [...unflatten(this.m!), ...unflatten(this.v!)]);
    const names = [...slots.map((slot, i) => `${slot.name ?? i}/m`), ...slots.map((slot, i) => `${slot.name ?? i}/v`)];
    return [iterations, ...this.exported.map((tensor, i) => ({ name: names[i]!, tensor }))];
  }

  override async setWeights(weights: NamedTensor[]): Promise<void> {
    const moments = await this.extractIterations(weights);
    tf.tidy(() => {
      this.accBeta1.assign(tf.pow(this.beta1, this.iterations_ + 1));
      this.accBeta2.assign(tf.pow(this.beta2, this.iterations_ + 1));
    });
    const count = moments.length / 2;
    const restored = moments.slice(0, count).map(({ tensor }, i) => ({ name: this.slots?.[i]?.name, shape: tensor.shape, size: tensor.size }));
    if (count > 0 && this.slots && (this.slots.length !== count || this.slots.some((slot, i) => slot.size !== restored[i]!.size)))
      throw new Error(`restored Adam moments (${count} variables) do not fit the ${this.slots.length} variables being trained`);
    tf.dispose([this.m, this.v].filter((t) => t !== undefined));
    const flat = (part: NamedTensor[]) =>
      tf.variable(
        tf.tidy(() => tf.concat(part.map(({ tensor }) => tensor.reshape([-1])))),
        false,
      );
    this.m = count > 0 ? flat(moments.slice(0, count)) : undefined;
    this.v = count > 0 ? flat(moments.slice(count)) : undefined;
    this.slots = count > 0 ? restored : undefined;
  }

  override dispose(): void {
    tf.dispose([this.accBeta1, this.accBeta2, ...this.exported, ...[this.m, this.v].filter((t) => t !== undefined)]);
  }

  getConfig(): tf.serialization.ConfigDict {
    return { learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }
}
