// Pixel bytes into floats (core/tf/uint8-to-float.ts): on the native backend through a uint8 tensor and
// TensorFlow's Cast, elsewhere through a Float32Array; the same numbers either way, tracked like any tensor.
import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it } from 'vitest';
import { nativeUint8Available, uint8ToFloat } from '../core/tf/uint8-to-float';

// Every byte value, in an odd shape (3 × 7 × 13 × 3 = 819 elements), starting mid-range.
const bytes = Uint8Array.from({ length: 3 * 7 * 13 * 3 }, (_, i) => (i * 37 + 101) % 256);

describe('uint8ToFloat', () => {
  afterEach(async () => {
    await tf.setBackend('tensorflow');
  });

  it('takes the native path on TensorFlow and gives every byte as its float, in shape', () => {
    expect(nativeUint8Available()).toBe(true);
    const floats = uint8ToFloat<tf.Rank.R4>(bytes, [3, 7, 13, 3]);
    expect(floats.dtype).toBe('float32');
    expect(floats.shape).toEqual([3, 7, 13, 3]);
    expect(Array.from(floats.dataSync())).toEqual(Array.from(bytes));
    expect(new Set(floats.dataSync()).size).toBe(256);
    floats.dispose();
  });

  it('is tracked by the engine: a tidy disposes it, and arithmetic on it works as on any tensor', () => {
    const before = tf.memory().numTensors;
    const sum = tf.tidy(() =>
      uint8ToFloat<tf.Rank.R2>(bytes, [bytes.length / 3, 3])
        .div(255)
        .sub(0.5)
        .sum(),
    );
    expect(tf.memory().numTensors).toBe(before + 1);
    const expected = bytes.reduce((s, b) => s + (b / 255 - 0.5), 0);
    expect(sum.dataSync()[0]).toBeCloseTo(expected, 2);
    sum.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('falls back to a Float32Array on the js backend, with the same numbers', async () => {
    await tf.setBackend('cpu');
    expect(nativeUint8Available()).toBe(false);
    const floats = uint8ToFloat<tf.Rank.R1>(bytes, [bytes.length]);
    expect(Array.from(floats.dataSync())).toEqual(Array.from(bytes));
    floats.dispose();
  });
});
