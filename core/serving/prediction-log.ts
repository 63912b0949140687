// The prediction log: served predictions (all, or a sample) wait in a bounded buffer and go to the
// bucket in batches, off the request path. A full buffer drops the entry and counts it; a request never waits.
// A batch the bucket refuses goes back to the buffer and is written later, so a storage outage costs entries
// only once the buffer is full.
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { fnv1a } from '../features/hash';
import { predictionLogShard, type LoggedPrediction } from '../feedback/log-entry';
import { log } from '../log';
import type { BlobStore } from '../storage/blob-store';
import { JsonLinesWriter } from '../storage/lines';
import type { Instance } from './serving-model';

const SAMPLE_RESOLUTION = 1_000_000;

export interface PredictionLogOptions {
  store: BlobStore;
  /** Share of predictions logged, 0 to 1. */
  sampleRate: number;
  /** A batch is written once this many entries wait, or every flushSeconds. */
  flushRecords: number;
  flushSeconds: number;
  /** Entries held at most, waiting or being written; more are dropped. */
  maxBuffered: number;
  includeInstances: boolean;
  /** Names this process's shards; defaults to host, pid and a random suffix. */
  writerId?: string;
}

/** One response's worth of predictions. */
export interface ServedBatch {
  modelVersion: number;
  /** The spec's id column of the serving model, if it has one. */
  idColumn?: string;
  instances: Instance[];
  probabilities: number[];
}

export interface PredictionLogStats {
  logged: number;
  /** Dropped because the buffer was full. */
  dropped: number;
  /** Lost because their batch could not be written before the log closed. */
  failed: number;
  shards: number;
  buffered: number;
  /** Shard writes the bucket refused; their entries were kept for the next write. */
  writeErrors: number;
}

/** After a refused write, the next waits this long, doubling up to the flush interval. */
const FIRST_RETRY_MS = 1000;

export class PredictionLog {
  readonly writerId: string;
  private buffer: LoggedPrediction[] = [];
  private writingCount = 0;
  private writing: Promise<void> = Promise.resolve();
  private flushQueued = false;
  private seq = 0;
  private requests = 0;
  private readonly counts = { logged: 0, dropped: 0, failed: 0, shards: 0, writeErrors: 0 };
  private readonly timer: NodeJS.Timeout;
  private retryDelayMs = 0;
  private retryNotBefore = 0;

  constructor(private readonly options: PredictionLogOptions) {
    this.writerId = options.writerId ?? `${os.hostname().replace(/[^A-Za-z0-9_-]+/g, '_')}-${process.pid}-${randomUUID().slice(0, 8)}`;
    this.timer = setInterval(() => void this.flush(), options.flushSeconds * 1000);
    this.timer.unref();
  }

  /** Takes what a request served; cheap and synchronous, so the response is not held up. */
  record(served: ServedBatch): void {
    // Unique without a random draw per request: the writer id already is.
    const requestId = `${this.writerId}-${(this.requests++).toString(36)}`;
    const at = new Date().toISOString();
    served.instances.forEach((instance, i) => {
      const id = served.idColumn ? idValue(instance[served.idColumn]) : undefined;
      if (!this.sampled(id)) return;
      if (this.buffer.length + this.writingCount >= this.options.maxBuffered) {
        this.counts.dropped += 1;
        return;
      }
      this.buffer.push({
        requestId,
        ...(id === undefined ? {} : { id }),
        modelVersion: served.modelVersion,
        probability: served.probabilities[i]!,
        at,
        ...(this.options.includeInstances ? { instance } : {}),
      });
    });
    if (this.buffer.length >= this.options.flushRecords && Date.now() >= this.retryNotBefore) void this.flush();
  }

  stats(): PredictionLogStats {
    return { ...this.counts, buffered: this.buffer.length + this.writingCount };
  }

  // By a hash of the impression id when there is one: an id is either always logged or never, so the
  // feedback join sees every prediction of a sampled impression. Without an id, by chance.
  private sampled(id: string | undefined): boolean {
    const rate = this.options.sampleRate;
    if (rate >= 1) return true;
    return (id === undefined ? Math.random() : (fnv1a(id) % SAMPLE_RESOLUTION) / SAMPLE_RESOLUTION) < rate;
  }

  /** Writes what waits now; batches are written one at a time and a failed write is logged, never thrown:
   *  its entries wait for the next flush. */
  flush(): Promise<void> {
    if (this.flushQueued) return this.writing;
    this.flushQueued = true;
    this.writing = this.writing.then(() => {
      this.flushQueued = false;
      return this.writeBatch();
    });
    return this.writing;
  }

  /** Stops the timer and writes everything still waiting (the API's stop calls it after the last request);
   *  what the bucket still refuses then is lost, and counted as failed. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
    if (this.buffer.length === 0) return;
    this.counts.failed += this.buffer.length;
    log.error('prediction log entries lost at close', { event: 'prediction-log-lost', entries: this.buffer.length });
    this.buffer = [];
  }

  private async writeBatch(): Promise<void> {
    const batch = this.buffer;
    if (batch.length === 0) return;
    this.buffer = [];
    this.writingCount = batch.length;
    const unwritten: LoggedPrediction[] = [];
    try {
      for (const [day, entries] of byDay(batch)) if (!(await this.writeShard(day, entries))) unwritten.push(...entries);
    } finally {
      this.writingCount = 0;
    }
    // record() admitted new entries only while buffer + batch stayed under maxBuffered, so these fit back.
    if (unwritten.length > 0) {
      this.buffer = unwritten.concat(this.buffer);
      this.retryDelayMs = Math.min(Math.max(FIRST_RETRY_MS, this.retryDelayMs * 2), this.options.flushSeconds * 1000);
      this.retryNotBefore = Date.now() + this.retryDelayMs;
    } else {
      this.retryDelayMs = 0;
      this.retryNotBefore = 0;
    }
  }

  /** False when the bucket refused the shard (nothing of it is published). */
  private async writeShard(day: string, entries: LoggedPrediction[]): Promise<boolean> {
    const key = predictionLogShard(day, this.writerId, this.seq++);
    const writer = new JsonLinesWriter(this.options.store, key);
    try {
      for (const entry of entries) await writer.write(entry);
      await writer.close();
      this.counts.logged += entries.length;
      this.counts.shards += 1;
      return true;
    } catch (error) {
      await writer.abort(error as Error);
      this.counts.writeErrors += 1;
      log.error('prediction log write failed; its entries wait for the next write', {
        event: 'prediction-log-write-failed',
        key,
        entries: entries.length,
        error,
      });
      return false;
    }
  }
}

function idValue(value: Instance[string] | undefined): string | undefined {
  const text = value === null || value === undefined ? '' : String(value).trim();
  return text === '' ? undefined : text;
}

/** A batch may cross midnight: each day's entries go to that day's folder. */
function byDay(entries: LoggedPrediction[]): Map<string, LoggedPrediction[]> {
  const days = new Map<string, LoggedPrediction[]>();
  for (const entry of entries) {
    const day = entry.at.slice(0, 10);
    let list = days.get(day);
    if (!list) days.set(day, (list = []));
    list.push(entry);
  }
  return days;
}
