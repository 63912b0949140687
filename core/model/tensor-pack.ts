// Packs named float tensors into one buffer (JSON manifest + float32 data), for checkpoints.
import * as tf from '@tensorflow/tfjs';

interface Manifest {
  entries: { name: string; shape: number[]; dtype: 'float32' | 'int32' }[];
}

export async function packTensors(named: { name: string; tensor: tf.Tensor }[]): Promise<Buffer> {
  const manifest: Manifest = {
    entries: named.map(({ name, tensor }) => ({ name, shape: tensor.shape, dtype: tensor.dtype === 'int32' ? 'int32' : 'float32' })),
  };
  const datas = await Promise.all(
    named.map(async ({ tensor }) => Buffer.from((tensor.dtype === 'int32' ? await tensor.data() : await tensor.toFloat().data()).buffer)),
  );
  const header = Buffer.from(JSON.stringify(manifest));
  const length = Buffer.alloc(4);
  length.writeUInt32LE(header.length);
  return Buffer.concat([length, header, ...datas]);
}

export function unpackTensors(bytes: Buffer): { name: string; tensor: tf.Tensor }[] {
  const headerLength = bytes.readUInt32LE(0);
  const manifest = JSON.parse(bytes.subarray(4, 4 + headerLength).toString('utf8')) as Manifest;
  let offset = 4 + headerLength;
  return manifest.entries.map(({ name, shape, dtype }) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const slice = new Uint8Array(bytes.subarray(offset, offset + size * 4)).buffer;
    offset += size * 4;
    const values = dtype === 'int32' ? new Int32Array(slice) : new Float32Array(slice);
    return { name, tensor: tf.tensor(values, shape, dtype) };
  });
}
