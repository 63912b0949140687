// A registered version's input signature, from the spec and transform files it was registered with.
import { parseFeatureSpec } from '../features/spec';
import type { FittedTransform } from '../features/transform';
import type { ModelRegistry } from '../registry/model-registry';
import { BlobNotFoundError, getJson, type BlobStore } from '../storage/blob-store';
import { inputSignature, type InputSignature } from './input-signature';

/** Null when the version's files are gone (e.g. deleted by hand): the record still answers. */
export async function versionSignature(store: BlobStore, registry: ModelRegistry, version: number): Promise<InputSignature | null> {
  try {
    const [spec, transform] = await Promise.all([
      getJson<unknown>(store, registry.fileKey(version, 'spec.json')),
      getJson<FittedTransform>(store, registry.fileKey(version, 'transform.json')),
    ]);
    return inputSignature(parseFeatureSpec(spec), transform);
  } catch (error) {
    if (error instanceof BlobNotFoundError) return null;
    throw error;
  }
}
