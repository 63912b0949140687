// Encoded examples as flat typed arrays (what the model trains on), and their binary file format:
// a 4-byte header length, a JSON header, then each array's bytes at 4-byte-aligned offsets.
import type { EncodedExample } from './transform';

export interface EncodedDataset {
  rows: number;
  widths: { numeric: number; categorical: number; text: number };
  numeric: Float32Array;
  categorical: Int32Array;
  text: Int32Array;
  image: Int32Array;
  label: Float32Array;
}

export class DatasetBuilder {
  private rows = 0;
  private capacity: number;
  private arrays: Omit<EncodedDataset, 'rows' | 'widths'>;

  /** `initialRows`: room made at first (it grows as needed); serving knows its request's size. `maxRows`:
   *  it never grows past this (a shard writer's bound), so no doubling overshoots the shard. */
  constructor(
    private readonly widths: EncodedDataset['widths'],
    initialRows = 1024,
    private readonly maxRows = Infinity,
  ) {
    this.capacity = Math.max(1, Math.min(initialRows, maxRows));
    this.arrays = this.allocate(this.capacity);
  }

  push(example: EncodedExample, label: number): void {
    if (this.rows === this.capacity) this.grow();
    const { numeric, categorical, text } = this.widths;
    this.arrays.numeric.set(example.numeric, this.rows * numeric);
    this.arrays.categorical.set(example.categorical, this.rows * categorical);
    this.arrays.text.set(example.text, this.rows * text);
    this.arrays.image[this.rows] = example.image;
    this.arrays.label[this.rows] = label;
    this.rows += 1;
  }

  /** The rows pushed so far, copied: the builder may go on. */
  build(): EncodedDataset {
    const view = this.view();
    return {
      ...view,
      numeric: view.numeric.slice(),
      categorical: view.categorical.slice(),
      text: view.text.slice(),
      image: view.image.slice(),
      label: view.label.slice(),
    };
  }

  /** The rows pushed so far without copying them: for a builder that is done (a later push may overwrite or outgrow them). */
  view(): EncodedDataset {
    const { numeric, categorical, text } = this.widths;
    const a = this.arrays;
    return {
      rows: this.rows,
      widths: this.widths,
      numeric: a.numeric.subarray(0, this.rows * numeric),
      categorical: a.categorical.subarray(0, this.rows * categorical),
      text: a.text.subarray(0, this.rows * text),
      image: a.image.subarray(0, this.rows),
      label: a.label.subarray(0, this.rows),
    };
  }

  private allocate(rows: number): Omit<EncodedDataset, 'rows' | 'widths'> {
    return emptyDataset(rows, this.widths);
  }

  private grow(): void {
    if (this.capacity >= this.maxRows) throw new Error(`A dataset builder bounded to ${this.maxRows} rows was given more`);
    const old = this.arrays;
    this.capacity = Math.min(this.capacity * 2, this.maxRows);
    this.arrays = this.allocate(this.capacity);
    for (const name of ['numeric', 'categorical', 'text', 'image', 'label'] as const) this.arrays[name].set(old[name] as never);
  }
}

/** A dataset of `rows` zeroed rows, to be filled. */
export function emptyDataset(rows: number, widths: EncodedDataset['widths']): EncodedDataset {
  return {
    rows,
    widths,
    numeric: new Float32Array(rows * widths.numeric),
    categorical: new Int32Array(rows * widths.categorical),
    text: new Int32Array(rows * widths.text),
    image: new Int32Array(rows),
    label: new Float32Array(rows),
  };
}

/** Rows picked by index (for shuffled batches). */
export function takeRows(dataset: EncodedDataset, indices: ArrayLike<number>): EncodedDataset {
  const { widths } = dataset;
  const n = indices.length;
  const out = emptyDataset(n, widths);
  for (let i = 0; i < n; i++) {
    const r = indices[i]!;
    copyRow(dataset.numeric, out.numeric, r, i, widths.numeric);
    copyRow(dataset.categorical, out.categorical, r, i, widths.categorical);
    copyRow(dataset.text, out.text, r, i, widths.text);
    out.image[i] = dataset.image[r]!;
    out.label[i] = dataset.label[r]!;
  }
  return out;
}

/** Row `from` of `source` into row `to` of `target`, element by element: rows are a few values wide, where a
 *  subarray view per row cost more than the copy (a training epoch's largest JS cost). */
function copyRow<T extends Float32Array | Int32Array>(source: T, target: T, from: number, to: number, width: number): void {
  const start = from * width;
  const at = to * width;
  for (let j = 0; j < width; j++) target[at + j] = source[start + j]!;
}

const ARRAYS = ['numeric', 'categorical', 'text', 'image', 'label'] as const;

export function serializeDataset(dataset: EncodedDataset): Buffer {
  return Buffer.concat(serializedParts(dataset));
}

/** The file's bytes as parts that view the dataset's arrays (no copy): for streaming a big shard to the store. */
export function serializedParts(dataset: EncodedDataset): Buffer[] {
  const header = Buffer.from(JSON.stringify({ rows: dataset.rows, widths: dataset.widths }));
  const headerPadded = Buffer.alloc(Math.ceil(header.length / 4) * 4, 0x20);
  header.copy(headerPadded);
  const lengthPrefix = Buffer.alloc(4);
  lengthPrefix.writeUInt32LE(headerPadded.length);
  return [lengthPrefix, headerPadded, ...ARRAYS.map((name) => Buffer.from(dataset[name].buffer, dataset[name].byteOffset, dataset[name].byteLength))];
}

export function parseDataset(bytes: Buffer): EncodedDataset {
  const headerLength = bytes.readUInt32LE(0);
  const { rows, widths } = JSON.parse(bytes.subarray(4, 4 + headerLength).toString('utf8')) as Pick<EncodedDataset, 'rows' | 'widths'>;
  // The arrays view the bytes where they are 4-byte aligned (a downloaded shard is its own allocation);
  // a pooled Buffer may start anywhere, so that one is copied to a fresh, aligned buffer.
  const bodyBytes = bytes.subarray(4 + headerLength);
  const aligned = bodyBytes.byteOffset % 4 === 0;
  const body = aligned ? (bodyBytes.buffer as ArrayBuffer) : new Uint8Array(bodyBytes).buffer;
  let offset = aligned ? bodyBytes.byteOffset : 0;
  const take = <T>(make: new (buffer: ArrayBuffer, offset: number, length: number) => T, length: number): T => {
    const array = new make(body, offset, length);
    offset += length * 4;
    return array;
  };
  return {
    rows,
    widths,
    numeric: take(Float32Array, rows * widths.numeric),
    categorical: take(Int32Array, rows * widths.categorical),
    text: take(Int32Array, rows * widths.text),
    image: take(Int32Array, rows),
    label: take(Float32Array, rows),
  };
}
