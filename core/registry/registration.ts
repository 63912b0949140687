// Registering a version: claim the next number, copy the files in, then publish. In that order, so
// no reader ever sees a version whose files are half-written.
import { z } from 'zod';
import { BlobNotFoundError, getJsonIfExists, PreconditionFailedError, putJson, type BlobStore } from '../storage/blob-store';
import { copyWithDigest } from './copy-file';
import type { RegistryLayout } from './layout';
import type { Versioned, VersionRecords } from './version-records';
import { idempotencyPointerSchema, sourceFileSchema, versionMetadataSchema, type ModelVersion, type RegisterInput, type RegisteringRecord } from './types';

const filesSchema = z
  .array(sourceFileSchema)
  .min(1)
  .refine((files) => new Set(files.map((file) => file.name)).size === files.length, 'file names must be unique within a version');

export interface RegistrationParts {
  store: BlobStore;
  layout: RegistryLayout;
  records: VersionRecords;
}

/** Returns the published record: a new one, or the one this idempotency key already produced. */
export async function registerVersion(parts: RegistrationParts, input: RegisterInput): Promise<ModelVersion> {
  const metadata = versionMetadataSchema.parse(input.metadata);
  const files = filesSchema.parse(input.files);
  const { idempotencyKey } = input;
  if (idempotencyKey !== undefined) {
    const earlier = await resume(parts, idempotencyKey);
    if (earlier) return earlier;
  }
  await requireSources(
    parts.store,
    files.map((file) => file.sourceKey),
  );
  const claim = await parts.records.claim({ status: 'registering', metadata, files, idempotencyKey });
  if (idempotencyKey !== undefined && !(await pointTo(parts, idempotencyKey, claim.record.version))) {
    // A concurrent registration with the same key got there first: give our number back, return its version.
    await parts.records.release(claim.record.version);
    const winner = await resume(parts, idempotencyKey);
    if (!winner) throw new Error(`Idempotency key ${idempotencyKey} was taken but points nowhere`);
    return winner;
  }
  return publish(parts, claim);
}

/** The version an idempotency key produced, finishing it first if its registration stopped half-way. */
async function resume(parts: RegistrationParts, idempotencyKey: string): Promise<ModelVersion | undefined> {
  const pointer = await getJsonIfExists(parts.store, parts.layout.idempotencyPointer(idempotencyKey));
  if (pointer === undefined) return undefined;
  const { version } = idempotencyPointerSchema.parse(pointer);
  const found = await parts.records.read(version);
  if (!found) throw new Error(`Idempotency key ${idempotencyKey} points at v${version}, which has no version.json`);
  const { record, generation } = found;
  return record.status === 'registering' ? publish(parts, { record, generation }) : record;
}

async function publish(parts: RegistrationParts, claim: Versioned<RegisteringRecord>): Promise<ModelVersion> {
  const { record, generation } = claim;
  const files = await Promise.all(
    record.files.map(async (file) => ({
      ...file,
      ...(await copyWithDigest(parts.store, file.sourceKey, parts.layout.versionFile(record.version, file.name))),
    })),
  );
  const published: ModelVersion = { ...record, status: 'candidate', files };
  if (await parts.records.replace(record.version, published, generation)) return published;
  // Another attempt of the same idempotent registration published it first (same sources, same bytes).
  const now = await parts.records.read(record.version);
  if (now && now.record.status !== 'registering') return now.record;
  throw new Error(`v${record.version} changed while it was being registered`);
}

async function requireSources(store: BlobStore, keys: string[]): Promise<void> {
  const found = await Promise.all(keys.map((key) => store.stat(key)));
  const missing = keys.find((_, index) => !found[index]);
  if (missing !== undefined) throw new BlobNotFoundError(`${store.url}/${missing}`);
}

async function pointTo(parts: RegistrationParts, idempotencyKey: string, version: number): Promise<boolean> {
  try {
    await putJson(parts.store, parts.layout.idempotencyPointer(idempotencyKey), { idempotencyKey, version }, { ifGeneration: '0' });
    return true;
  } catch (error) {
    if (error instanceof PreconditionFailedError) return false;
    throw error;
  }
}
