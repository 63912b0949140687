// Transform: split the month by time — train | validation (early stopping, tuning, calibration) |
// evaluation holdout (only evaluation reads it) — fit the preprocessing on the train days only, save it,
// and materialise the encoded train and validation datasets that the training workers read, as shards
// of bounded size (DATASET_SHARD_BYTES): no split is ever one buffer.
import { ApplicationFailure, log } from '@temporalio/activity';
import { throttledHeartbeat } from '../core/temporal/heartbeats';
import { getJson, putJson, type BlobStore } from '../core/storage/blob-store';
import { parseFeatureSpec } from '../core/features/spec';
import { ShardedDatasetWriter } from '../core/features/dataset-shards';
import { Encoder, TransformFitter } from '../core/features/transform';
import { loadImageRows, monthData, readExampleBatches, splitDays, type MonthData } from '../core/pipeline/examples';
import { monthRange } from '../core/features/month';
import { monthArtifacts } from '../core/pipeline/layout';

export interface TransformResult {
  transformKey: string;
  trainKey: string;
  validationKey: string;
  trainRows: number;
  validationRows: number;
  /** Rows of the evaluation holdout, which training never sees. */
  holdoutRows: number;
  validationStart: string;
  holdoutStart: string;
}

/** Bytes of encoded rows per dataset shard: what the transform holds per split, and training's unit of reading. */
export const DEFAULT_DATASET_SHARD_BYTES = 64 * 1024 * 1024;

export function createTransformActivities(deps: { store: BlobStore; datasetShardBytes?: number }) {
  const { store } = deps;
  const shardBytes = deps.datasetShardBytes ?? DEFAULT_DATASET_SHARD_BYTES;
  return {
    async fitTransform(input: { month: string; specKey: string; holdoutDays: number; validationDays: number; ingested?: MonthData }): Promise<TransformResult> {
      const spec = parseFeatureSpec(await getJson(store, input.specKey));
      const keys = monthArtifacts(input.month);
      const split = splitDays(input.month, input.holdoutDays, input.validationDays);
      const iso = (time: number) => new Date(time).toISOString();

      const { examples, images } = await monthData(store, input.month, input.ingested);
      const beat = throttledHeartbeat();
      const fitter = new TransformFitter(spec);
      let seen = 0;
      for await (const batch of readExampleBatches(store, examples)) {
        for (const example of batch) {
          if (example.t < split.validationStart) fitter.add(example);
          if (++seen % 1000 === 0) beat({ pass: 'fit', rows: seen });
        }
      }
      let transform;
      try {
        transform = fitter.fit(input.month);
      } catch (error) {
        throw ApplicationFailure.nonRetryable(`${(error as Error).message}: no examples before ${iso(split.validationStart)}`, 'EmptySplit');
      }
      await putJson(store, keys.transform, transform);

      const encoder = new Encoder(transform);
      const { rowOf } = await loadImageRows(store, images);
      const writer = (name: 'train' | 'validation') =>
        new ShardedDatasetWriter(store, { manifest: keys.datasetManifest(name), shard: (n) => keys.datasetShard(name, n) }, encoder.widths, shardBytes);
      const train = writer('train');
      const validation = writer('validation');
      let holdoutRows = 0;
      seen = 0;
      for await (const batch of readExampleBatches(store, examples)) {
        for (const example of batch) {
          if (example.t >= split.holdoutStart) holdoutRows += 1;
          else {
            const upload = (example.t < split.validationStart ? train : validation).push(encoder.encode(example, rowOf), example.y);
            if (upload) await upload;
          }
          if (++seen % 1000 === 0) beat({ pass: 'encode', rows: seen });
        }
      }
      const [trainSet, validationSet] = [await train.finish(), await validation.finish()];
      const empty = (what: string, from: number, to: number) =>
        ApplicationFailure.nonRetryable(
          `No examples in the ${what} (${iso(from)} to ${iso(to)}, from HOLDOUT_DAYS=${input.holdoutDays} and VALIDATION_DAYS=${input.validationDays})`,
          'EmptySplit',
        );
      if (validationSet.manifest.rows === 0) throw empty('validation days', split.validationStart, split.holdoutStart);
      if (holdoutRows === 0) throw empty('evaluation holdout', split.holdoutStart, monthRange(input.month).to);
      const [trainRows, validationRows] = [trainSet.manifest.rows, validationSet.manifest.rows];
      log.info('transform fitted', {
        month: input.month,
        train: trainRows,
        validation: validationRows,
        holdout: holdoutRows,
        trainShards: trainSet.manifest.shards.length,
      });
      return {
        transformKey: keys.transform,
        trainKey: trainSet.key,
        validationKey: validationSet.key,
        trainRows,
        validationRows,
        holdoutRows,
        validationStart: iso(split.validationStart),
        holdoutStart: iso(split.holdoutStart),
      };
    },
  };
}
