// Transform: fit the preprocessing on the training split only, save it, and materialise the encoded
// train and holdout datasets that the training worker reads.
import { ApplicationFailure, heartbeat, log } from '@temporalio/activity';
import { getJson, putJson, type BlobStore } from '../core/storage/blob-store';
import { parseFeatureSpec } from '../core/features/spec';
import { DatasetBuilder, serializeDataset } from '../core/features/dataset';
import { Encoder, TransformFitter } from '../core/features/transform';
import { holdoutStart, loadImageRows, readExamples } from '../core/pipeline/examples';
import { monthArtifacts } from '../core/pipeline/layout';

export interface TransformResult {
  transformKey: string;
  trainKey: string;
  holdoutKey: string;
  trainRows: number;
  holdoutRows: number;
  holdoutStart: string;
}

export function createTransformActivities(deps: { store: BlobStore }) {
  const { store } = deps;
  return {
    async fitTransform(input: { month: string; specKey: string; holdoutDays: number }): Promise<TransformResult> {
      const spec = parseFeatureSpec(await getJson(store, input.specKey));
      const keys = monthArtifacts(input.month);
      const split = holdoutStart(input.month, input.holdoutDays);

      const fitter = new TransformFitter(spec);
      let seen = 0;
      for await (const example of readExamples(store, input.month)) {
        if (example.t < split) fitter.add(example);
        if (++seen % 20_000 === 0) heartbeat({ pass: 'fit', rows: seen });
      }
      let transform;
      try {
        transform = fitter.fit(input.month);
      } catch (error) {
        throw ApplicationFailure.nonRetryable(`${(error as Error).message}: no examples before ${new Date(split).toISOString()}`, 'EmptySplit');
      }
      await putJson(store, keys.transform, transform);

      const encoder = new Encoder(transform);
      const { rowOf } = await loadImageRows(store, input.month);
      const train = new DatasetBuilder(encoder.widths);
      const holdout = new DatasetBuilder(encoder.widths);
      seen = 0;
      for await (const example of readExamples(store, input.month)) {
        (example.t < split ? train : holdout).push(encoder.encode(example, rowOf), example.y);
        if (++seen % 20_000 === 0) heartbeat({ pass: 'encode', rows: seen });
      }
      const [trainSet, holdoutSet] = [train.build(), holdout.build()];
      if (holdoutSet.rows === 0) throw ApplicationFailure.nonRetryable(`No examples in the holdout (the last ${input.holdoutDays} days of ${input.month})`, 'EmptySplit');
      await store.put(keys.dataset('train'), serializeDataset(trainSet));
      await store.put(keys.dataset('holdout'), serializeDataset(holdoutSet));
      log.info('transform fitted', { month: input.month, train: trainSet.rows, holdout: holdoutSet.rows });
      return {
        transformKey: keys.transform,
        trainKey: keys.dataset('train'),
        holdoutKey: keys.dataset('holdout'),
        trainRows: trainSet.rows,
        holdoutRows: holdoutSet.rows,
        holdoutStart: new Date(split).toISOString(),
      };
    },
  };
}
