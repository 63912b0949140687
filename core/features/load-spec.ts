// Finds the feature spec for a month: raw/<month>/spec.json, else the bucket's spec.json, else the default.
import { getJsonIfExists, type BlobStore } from '../storage/blob-store';
import { specKeys } from '../pipeline/layout';
import { defaultFeatureSpec } from './default-spec';
import { parseFeatureSpec, type FeatureSpec } from './spec';

export async function loadSpecForMonth(store: BlobStore, month: string): Promise<{ spec: FeatureSpec; source: string }> {
  for (const key of specKeys(month)) {
    const json = await getJsonIfExists<unknown>(store, key);
    if (json !== undefined) return { spec: parseFeatureSpec(json), source: `${store.url}/${key}` };
  }
  return { spec: defaultFeatureSpec, source: 'built-in default spec' };
}
