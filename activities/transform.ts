// Transform: split the month by time — train | validation (early stopping, tuning, calibration) |
// evaluation holdout (only evaluation reads it) — fit the preprocessing on the train days only, save it,
// and materialise the encoded train and validation datasets that the training workers read.
import { ApplicationFailure, log } from '@temporalio/activity';
import { throttledHeartbeat } from '../core/temporal/heartbeats';
import { getJson, putJson, type BlobStore } from '../core/storage/blob-store';
import { parseFeatureSpec } from '../core/features/spec';
import { DatasetBuilder, serializeDataset } from '../core/features/dataset';
import { Encoder, TransformFitter } from '../core/features/transform';
import { loadImageRows, monthData, readExamples, splitDays, type MonthData } from '../core/pipeline/examples';
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

export function createTransformActivities(deps: { store: BlobStore }) {
  const { store } = deps;
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
      for await (const example of readExamples(store, examples)) {
        if (example.t < split.validationStart) fitter.add(example);
        if (++seen % 1000 === 0) beat({ pass: 'fit', rows: seen });
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
      const train = new DatasetBuilder(encoder.widths);
      const validation = new DatasetBuilder(encoder.widths);
      let holdoutRows = 0;
      seen = 0;
      for await (const example of readExamples(store, examples)) {
        if (example.t >= split.holdoutStart) holdoutRows += 1;
        else (example.t < split.validationStart ? train : validation).push(encoder.encode(example, rowOf), example.y);
        if (++seen % 1000 === 0) beat({ pass: 'encode', rows: seen });
      }
      const [trainSet, validationSet] = [train.build(), validation.build()];
      const empty = (what: string, from: number, to: number) =>
        ApplicationFailure.nonRetryable(
          `No examples in the ${what} (${iso(from)} to ${iso(to)}, from HOLDOUT_DAYS=${input.holdoutDays} and VALIDATION_DAYS=${input.validationDays})`,
          'EmptySplit',
        );
      if (validationSet.rows === 0) throw empty('validation days', split.validationStart, split.holdoutStart);
      if (holdoutRows === 0) throw empty('evaluation holdout', split.holdoutStart, monthRange(input.month).to);
      await store.put(keys.dataset('train'), serializeDataset(trainSet));
      await store.put(keys.dataset('validation'), serializeDataset(validationSet));
      log.info('transform fitted', { month: input.month, train: trainSet.rows, validation: validationSet.rows, holdout: holdoutRows });
      return {
        transformKey: keys.transform,
        trainKey: keys.dataset('train'),
        validationKey: keys.dataset('validation'),
        trainRows: trainSet.rows,
        validationRows: validationSet.rows,
        holdoutRows,
        validationStart: iso(split.validationStart),
        holdoutStart: iso(split.holdoutStart),
      };
    },
  };
}
