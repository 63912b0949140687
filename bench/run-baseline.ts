// The logistic-regression baseline the monthly run trained beside the click model (same encoded
// features, same train and validation days), loaded to score any rows encoded with the run's transform.
import type { EncodedDataset } from '../core/features/dataset';
import { disposeClickModel } from '../core/model/architecture';
import { loadClickModel } from '../core/model/model-files';
import { predictProbabilities } from '../core/model/predict';
import type { BlobStore } from '../core/storage/blob-store';

export interface LogisticBaseline {
  /** Click probabilities for rows encoded with the run's transform (the baseline ignores the image). */
  predict(dataset: EncodedDataset): Float32Array;
  dispose(): void;
}

export async function loadRunBaseline(store: BlobStore, run: { summary: Record<string, unknown> }): Promise<LogisticBaseline> {
  const { baseline } = run.summary.train as { baseline: { modelPrefix: string } };
  const loaded = await loadClickModel(store, baseline.modelPrefix);
  return { predict: (dataset) => predictProbabilities(loaded.model, loaded.transform, dataset, undefined), dispose: () => disposeClickModel(loaded.model) };
}
