// Batching as TF Serving does it: concurrent predict requests on one model wait at most `windowMs` for
// each other and go through ONE forward pass of at most `maxRows` instances; each request gets back its
// own rows, in order. A lone client pays no window: while passes hold one request each, a request that
// finds no other on its way (being validated, or waiting for an image) goes as soon as the requests read
// with it have joined. While a pass runs (in the model's inference thread) the next batch gathers; it goes a
// window after the pass is back (or once it is full). Requests join already validated and encoded, so the only
// failure left is the forward pass itself: then each request of the batch is scored again on its own,
// and only one that fails alone fails.
import { emptyDataset, type EncodedDataset } from '../features/dataset';
import { IMAGE_EMBEDDING } from '../model/architecture';

export interface BatchingOptions {
  /** How long the first request of a batch waits for others; 0: every request is its own forward pass. */
  windowMs: number;
  /** Instances in one forward pass at most; a request larger than this runs alone, never split. */
  maxRows: number;
}

/** One request, encoded: its rows' image column indexes its own `embeddings` (-1: no image). */
export interface EncodedRequest {
  data: EncodedDataset;
  embeddings: Float32Array[];
}

/** One forward pass: rows → probabilities, with the batch's image embeddings packed row after row. */
export type ScoreBatch = (data: EncodedDataset, embeddings: Float32Array) => Promise<Float32Array>;

/** What each forward pass held: for the batch-size metrics. */
export type BatchObserver = (batch: { requests: number; rows: number }) => void;

interface Waiting {
  request: EncodedRequest;
  resolve: (probabilities: Float32Array) => void;
  reject: (error: Error) => void;
}

export class PredictBatcher {
  private waiting: Waiting[] = [];
  private rows = 0;
  private timer?: NodeJS.Timeout;
  private immediate?: NodeJS.Immediate;
  private arriving = 0;
  private lastBatchRequests = 0;
  private running = 0;

  constructor(
    private readonly score: ScoreBatch,
    private readonly options: BatchingOptions,
    private readonly observe: BatchObserver = () => undefined,
  ) {}

  /** A request is on its way: it will submit, or leave if it turns out invalid. */
  arrive(): void {
    this.arriving += 1;
  }

  leave(): void {
    this.arriving -= 1;
    this.scheduleFlush();
  }

  /** After arrive(): resolves with the request's own probabilities, once the batch it joined has been scored. */
  submit(request: EncodedRequest): Promise<Float32Array> {
    this.arriving -= 1;
    return new Promise((resolve, reject) => {
      if (this.rows > 0 && this.rows + request.data.rows > this.options.maxRows) this.flush();
      this.waiting.push({ request, resolve, reject });
      this.rows += request.data.rows;
      if (this.options.windowMs <= 0 || this.rows >= this.options.maxRows) this.flush();
      else this.scheduleFlush();
    });
  }

  // Under concurrent load a pass waits out the window (more requests are on the wire than this process
  // can see), counted from the end of the pass running now if there is one; a lone client's request goes
  // after this turn of the event loop.
  private scheduleFlush(): void {
    if (this.waiting.length === 0 || this.running > 0) return;
    if (this.arriving === 0 && this.lastBatchRequests <= 1) this.immediate ??= setImmediate(() => this.flush());
    else this.timer ??= setTimeout(() => this.flush(), this.options.windowMs);
  }

  // What gathered during the pass waits out the window from its end too: fewer, fuller passes leave the
  // cores to the HTTP work (a pass costs about the same for 1 or 30 rows).
  private passEnded(): void {
    this.running -= 1;
    this.scheduleFlush();
  }

  private flush(): void {
    clearTimeout(this.timer);
    clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
    const batch = this.waiting;
    this.waiting = [];
    this.rows = 0;
    if (batch.length === 0) return;
    this.scoreTogether(batch.map((waiting) => waiting.request)).then(
      (probabilities) => {
        let start = 0;
        for (const waiting of batch) {
          waiting.resolve(probabilities.slice(start, start + waiting.request.data.rows));
          start += waiting.request.data.rows;
        }
      },
      (error: Error) => {
        if (batch.length === 1) batch[0]!.reject(error);
        else for (const waiting of batch) this.scoreAlone(waiting);
      },
    );
  }

  private scoreAlone(waiting: Waiting): void {
    this.scoreTogether([waiting.request]).then(waiting.resolve, waiting.reject);
  }

  private async scoreTogether(requests: EncodedRequest[]): Promise<Float32Array> {
    const { data, embeddings } = mergeRequests(requests);
    this.lastBatchRequests = requests.length;
    this.observe({ requests: requests.length, rows: data.rows });
    this.running += 1;
    try {
      return await this.score(data, embeddings);
    } finally {
      this.passEnded();
    }
  }
}

/** The requests' rows one after another; an embedding several requests share (a cached ad) is packed once. */
export function mergeRequests(requests: EncodedRequest[]): { data: EncodedDataset; embeddings: Float32Array } {
  const { widths } = requests[0]!.data;
  const rows = requests.reduce((sum, request) => sum + request.data.rows, 0);
  const data = emptyDataset(rows, widths);
  const slotOf = new Map<Float32Array, number>();
  let row = 0;
  for (const { data: part, embeddings } of requests) {
    data.numeric.set(part.numeric, row * widths.numeric);
    data.categorical.set(part.categorical, row * widths.categorical);
    data.text.set(part.text, row * widths.text);
    data.label.set(part.label, row);
    const slots = embeddings.map((embedding) => {
      if (!slotOf.has(embedding)) slotOf.set(embedding, slotOf.size);
      return slotOf.get(embedding)!;
    });
    for (let r = 0; r < part.rows; r++) data.image[row + r] = part.image[r]! < 0 ? -1 : slots[part.image[r]!]!;
    row += part.rows;
  }
  const packed = new Float32Array(slotOf.size * IMAGE_EMBEDDING);
  for (const [embedding, slot] of slotOf) packed.set(embedding, slot * IMAGE_EMBEDDING);
  return { data, embeddings: packed };
}
