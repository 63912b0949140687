// Scores instances through the REST API's POST /v1/predict, at most MAX_INSTANCES per request, as any
// client would, and checks that one model version answered them all.
import { MAX_INSTANCES } from '../api/routes/predict/predict.routes';
import type { BenchApi } from './stack';

export type Instance = Record<string, string | number | null>;

export class PredictClient {
  private pending: Instance[] = [];
  private readonly probabilities: number[] = [];
  private readonly versions = new Set<number>();

  constructor(private readonly api: BenchApi) {}

  /** Queues an instance; a full batch is sent at once. */
  async add(instance: Instance): Promise<void> {
    this.pending.push(instance);
    if (this.pending.length === MAX_INSTANCES) await this.flush();
  }

  /** Sends what is queued and returns every probability so far, in the order added. */
  async finish(): Promise<{ probabilities: number[]; modelVersion: number }> {
    await this.flush();
    if (this.versions.size !== 1) throw new Error(`expected one model version to answer, got ${JSON.stringify([...this.versions])}`);
    return { probabilities: this.probabilities, modelVersion: [...this.versions][0]! };
  }

  private async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const response = await fetch(`${this.api.url}/v1/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${this.api.token}` },
      body: JSON.stringify({ instances: this.pending }),
    });
    const body = (await response.json()) as { modelVersion: number; predictions: { clickProbability: number }[]; error?: string };
    if (response.status !== 200) throw new Error(`POST /v1/predict answered ${response.status}: ${body.error ?? JSON.stringify(body)}`);
    this.versions.add(body.modelVersion);
    for (const prediction of body.predictions) this.probabilities.push(prediction.clickProbability);
    this.pending = [];
  }
}
