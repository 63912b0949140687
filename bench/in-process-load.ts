// The same load as predict-load's driveFor, but calling the predictor in this process: no HTTP, no
// auth, no JSON. What batching alone can reach, against which the HTTP rate is compared.
import type { ChampionPredictor } from '../core/serving/champion-predictor';
import type { Instance } from './predict-client';
import { percentiles, type TimedLoad } from './predict-load';

export async function driveInProcess(
  predictor: ChampionPredictor,
  instances: (request: number) => Instance[],
  concurrency: number,
  seconds: number,
): Promise<TimedLoad> {
  const latencies: number[] = [];
  let sent = 0;
  const started = performance.now();
  const until = started + seconds * 1000;
  const client = async () => {
    while (performance.now() < until) {
      const request = instances(sent++);
      const t = performance.now();
      await predictor.predict(request);
      latencies.push(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, client));
  const elapsed = (performance.now() - started) / 1000;
  return { requests: latencies.length, seconds: elapsed, perSecond: latencies.length / elapsed, ...percentiles(latencies) };
}
