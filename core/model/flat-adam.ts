// tfjs' Adam runs ~15 ops per variable per step: with the click head's 15 variables, that was ~40 % of
// a training step's ops. This Adam keeps every variable's moments in one flat vector and runs the same
// arithmetic once per step over all of them: element by element the same numbers as tf.train.adam
// (test/flat-adam.test.ts), and getWeights/setWeights in tf.train.adam's layout, so checkpoints of
// either restore into the other. In the flat vector, variables whose shapes agree past their first axis
// sit side by side: their gradients flatten, and their steps take their shapes, with one reshape a group.
import * as tf from '@tensorflow/tfjs';

type NamedTensor = { name: string; tensor: tf.Tensor };

/** One variable's place in the flat vectors; `name` is known from the first step on. */
interface Slot {
  name?: string;
  shape: number[];
  size: number;
}

/** Slots (by index) whose shapes agree past the first axis, in the flat vector's order. */
interface Group {
  members: number[];
  tail: number[];
}

const sameShapes = (a: Slot[], b: Slot[]) => a.length === b.length && a.every((slot, i) => tf.util.arraysEqual(slot.shape, b[i]!.shape));

/** Groups in order of first appearance; the flat vector holds them one after another. */
function groupSlots(slots: Slot[]): Group[] {
  const groups = new Map<string, Group>();
  slots.forEach((slot, i) => {
    // A scalar has no first axis to concatenate along: a group of its own.
    const key = slot.shape.length === 0 ? `scalar ${i}` : slot.shape.slice(1).join('x');
    if (!groups.has(key)) groups.set(key, { members: [], tail: slot.shape.slice(1) });
    groups.get(key)!.members.push(i);
  });
  return [...groups.values()];
}

// Every reshape is an op of its own in tfjs-node: vectors are left as they are.
const flatten = (t: tf.Tensor) => (t.rank === 1 ? t : tf.reshape(t, [-1]));
const byAxis0 = (parts: tf.Tensor[]) => (parts.length > 1 ? tf.concat(parts) : parts[0]!);

export class FlatAdamOptimizer extends tf.Optimizer {
  static get className(): string {
    return 'FlatAdam';
  }

  private readonly accBeta1: tf.Variable;
  private readonly accBeta2: tf.Variable;
  private slots?: Slot[];
  private groups: Group[] = [];
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
      const gradientOf = (i: number) => (present[i] ? named[slots[i]!.name!]! : tf.zeros(slots[i]!.shape));
      const gradient = tf.concat(this.groups.map((group) => flatten(byAxis0(group.members.map(gradientOf)))));
      const m = tf.add(tf.mul(this.m!, this.beta1), tf.mul(gradient, 1 - this.beta1));
      const v = tf.add(tf.mul(this.v!, this.beta2), tf.mul(tf.square(gradient), 1 - this.beta2));
      const mHat = tf.div(m, tf.sub(1, this.accBeta1));
      const vHat = tf.div(v, tf.sub(1, this.accBeta2));
      const step = tf.mul(tf.div(mHat, tf.add(tf.sqrt(vHat), this.epsilon)), -this.learningRate);
      // A variable without a gradient this step keeps its moments and value, as in tf.train.adam.
      const keep = present.every(Boolean)
        ? undefined
        : tf.concat(this.flatOrder().map((i) => (present[i] ? tf.ones([slots[i]!.size], 'bool') : tf.zeros([slots[i]!.size], 'bool'))));
      this.m!.assign(keep ? tf.where(keep, m, this.m!) : m);
      this.v!.assign(keep ? tf.where(keep, v, this.v!) : v);
      const groupSteps = tf.split(
        step,
        this.groups.map((group) => group.members.reduce((sum, i) => sum + slots[i]!.size, 0)),
      );
      this.groups.forEach((group, g) => {
        const first = slots[group.members[0]!]!;
        const part = groupSteps[g]!;
        const steps =
          group.members.length === 1
            ? [first.shape.length === 1 ? part : tf.reshape(part, first.shape)]
            : tf.split(
                group.tail.length > 0 ? tf.reshape(part, [-1, ...group.tail]) : part,
                group.members.map((i) => slots[i]!.shape[0]!),
              );
        group.members.forEach((i, k) => {
          if (present[i]) variables[i]!.assign(tf.add(steps[k]!, variables[i]!));
        });
      });
      this.accBeta1.assign(tf.mul(this.accBeta1, this.beta1));
      this.accBeta2.assign(tf.mul(this.accBeta2, this.beta2));
    });
    this.incrementIterations();
  }

  /** Slot indices in the flat vector's order. */
  private flatOrder(): number[] {
    return this.groups.flatMap((group) => group.members);
  }

  /** The variables' order is fixed by the first step (or by restored moments, matched by position). */
  private bind(names: string[]): Slot[] {
    if (!this.slots?.every((slot) => slot.name)) {
      const variables = tf.engine().registeredVariables;
      const slots = names.map((name) => ({ name, shape: variables[name]!.shape, size: variables[name]!.size }));
      if (this.slots && !sameShapes(this.slots, slots))
        throw new Error(`restored Adam moments (${this.slots.length} variables) do not fit the ${slots.length} variables being trained`);
      if (!this.slots) {
        const total = slots.reduce((sum, slot) => sum + slot.size, 0);
        this.m = tf.variable(tf.zeros([total]), false);
        this.v = tf.variable(tf.zeros([total]), false);
      }
      this.slots = slots;
      this.groups = groupSlots(slots);
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
    const order = this.flatOrder();
    const unflatten = (flat: tf.Tensor) => {
      const parts = tf.split(
        flat,
        order.map((i) => slots[i]!.size),
      );
      const bySlot: tf.Tensor[] = [];
      order.forEach((i, k) => (bySlot[i] = parts[k]!.reshape(slots[i]!.shape)));
      return bySlot;
    };
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
    if (count > 0 && this.slots && !sameShapes(this.slots, restored))
      throw new Error(`restored Adam moments (${count} variables) do not fit the ${this.slots.length} variables being trained`);
    tf.dispose([this.m, this.v].filter((t) => t !== undefined));
    this.groups = groupSlots(restored);
    const order = this.flatOrder();
    const flat = (part: NamedTensor[]) =>
      tf.variable(
        tf.tidy(() => tf.concat(order.map((i) => part[i]!.tensor.reshape([-1])))),
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
