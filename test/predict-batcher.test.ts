// The batcher on its own, with a scoring function that reads its rows back (no model needed to see who
// gets which row): batches bounded by max rows, a lone request not kept waiting, and a pass that fails
// retried request by request so only the request that fails alone fails; what arrives during a pass waits
// for it.
import { expect, it } from 'vitest';
import type { EncodedDataset } from '../core/features/dataset';
import { mergeRequests, PredictBatcher, type EncodedRequest } from '../core/serving/predict-batcher';

/** A request of the given numeric values (one numeric column), no images. */
function request(values: number[]): EncodedRequest {
  const rows = values.length;
  const data: EncodedDataset = {
    rows,
    widths: { numeric: 1, categorical: 0, text: 0 },
    numeric: Float32Array.from(values),
    categorical: new Int32Array(0),
    text: new Int32Array(0),
    image: new Int32Array(rows).fill(-1),
    label: new Float32Array(rows),
  };
  return { data, embeddings: [] };
}

function recordingBatcher(windowMs: number, maxRows: number) {
  const passes: number[][] = [];
  const batcher = new PredictBatcher(
    async (data) => {
      passes.push(Array.from(data.numeric));
      if (data.numeric.some(Number.isNaN)) throw new Error('a NaN reached the forward pass');
      return Float32Array.from(data.numeric, (x) => x * 10);
    },
    { windowMs, maxRows },
  );
  const submit = (values: number[]) => {
    batcher.arrive();
    return batcher.submit(request(values)).then((p) => Array.from(p));
  };
  return { passes, submit };
}

it('scores requests submitted together in one pass, each getting back its own rows', async () => {
  const { passes, submit } = recordingBatcher(20, 100);
  // The first pass of a fresh batcher may go alone (it cannot tell a lone client yet); the rest wait together.
  await submit([0]);
  const answers = await Promise.all([submit([1, 2]), submit([3]), submit([4, 5, 6])]);
  expect(answers).toEqual([[10, 20], [30], [40, 50, 60]]);
  expect(passes.slice(1)).toEqual([[1, 2, 3, 4, 5, 6]]);
});

it('never puts more than maxRows in a pass, and runs a larger request alone, unsplit', async () => {
  const { passes, submit } = recordingBatcher(20, 4);
  await submit([0]);
  const answers = await Promise.all([submit([1, 2]), submit([3, 4]), submit([5]), submit([6, 7, 8, 9, 10, 11]), submit([12])]);
  expect(answers).toEqual([[10, 20], [30, 40], [50], [60, 70, 80, 90, 100, 110], [120]]);
  expect(passes.slice(1)).toEqual([[1, 2, 3, 4], [5], [6, 7, 8, 9, 10, 11], [12]]);
});

it('fails only the request that fails alone when a pass fails', async () => {
  const { passes, submit } = recordingBatcher(20, 100);
  await submit([0]);
  const answers = await Promise.allSettled([submit([1]), submit([Number.NaN, 2]), submit([3])]);
  expect(answers.map((a) => a.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  expect((answers[0] as PromiseFulfilledResult<number[]>).value).toEqual([10]);
  expect((answers[2] as PromiseFulfilledResult<number[]>).value).toEqual([30]);
  expect(((answers[1] as PromiseRejectedResult).reason as Error).message).toBe('a NaN reached the forward pass');
  // The failed pass of three, then each again on its own.
  expect(passes.slice(1).map((pass) => pass.length)).toEqual([4, 1, 2, 1]);
});

it('does not keep a lone client waiting for the window', async () => {
  const { passes, submit } = recordingBatcher(60_000, 100);
  for (let i = 0; i < 3; i++) expect(await submit([i])).toEqual([i * 10]);
  expect(passes).toEqual([[0], [1], [2]]);
});

it('holds the requests that arrive during a pass until it ends, then sends them together', async () => {
  const passes: number[][] = [];
  let endPass = () => undefined as void;
  const batcher = new PredictBatcher(
    (data) => {
      passes.push(Array.from(data.numeric));
      return new Promise((resolve) => (endPass = () => resolve(Float32Array.from(data.numeric, (x) => x * 10))));
    },
    { windowMs: 60_000, maxRows: 100 },
  );
  const submit = (value: number) => {
    batcher.arrive();
    return batcher.submit(request([value])).then((p) => Array.from(p));
  };
  // A lone client's request goes at once; the two that come while its pass runs wait for it (then, the last
  // pass having held one request, not for the window).
  const first = submit(1);
  await new Promise((resolve) => setImmediate(resolve));
  expect(passes).toEqual([[1]]);
  const next = Promise.all([submit(2), submit(3)]);
  await new Promise((resolve) => setTimeout(resolve, 20));
  expect(passes).toEqual([[1]]);
  endPass();
  expect(await first).toEqual([10]);
  await new Promise((resolve) => setImmediate(resolve));
  expect(passes).toEqual([[1], [2, 3]]);
  endPass();
  expect(await next).toEqual([[20], [30]]);
});

it('packs an embedding shared by two requests once, pointing both at it', () => {
  const shared = new Float32Array(16).fill(1);
  const own = new Float32Array(16).fill(2);
  const a = request([1, 2]);
  a.data.image.set([0, -1]);
  const b = request([3, 4]);
  b.data.image.set([1, 0]);
  const { data, embeddings } = mergeRequests([
    { data: a.data, embeddings: [shared] },
    { data: b.data, embeddings: [own, shared] },
  ]);
  expect(Array.from(data.image)).toEqual([0, -1, 0, 1]);
  expect(Array.from(embeddings)).toEqual([...shared, ...own]);
});
