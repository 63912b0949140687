// Each finished stage leaves its result in the bucket, so re-running a month resumes after the last
// stage that succeeded instead of redoing everything. A result counts only for a run with the same
// settings over the same raw data: change a setting, or drop a new file in the month, and the
// stages run again.
import { createHash } from 'node:crypto';
import { getJsonIfExists, listAll, putJson, type BlobStore } from '../core/storage/blob-store';
import { monthArtifacts, rawPrefix, specKeys } from '../core/pipeline/layout';

export function createStageResultActivities(deps: { store: BlobStore }) {
  const { store } = deps;
  return {
    /** Identifies the month's input as it is now: every raw object's key, size and generation, and the bucket spec's. */
    async fingerprintRawData(month: string): Promise<string> {
      const hash = createHash('sha256');
      const bucketSpec = await store.stat(specKeys(month)[1]!);
      const objects = [...(await listAll(store, rawPrefix(month))), ...(bucketSpec ? [bucketSpec] : [])];
      for (const object of objects) hash.update(`${object.key}\0${object.size}\0${object.generation}\n`);
      return hash.digest('hex').slice(0, 16);
    },
    async readStageResult(input: { month: string; stage: string; settingsFingerprint: string }): Promise<unknown> {
      const saved = await getJsonIfExists<{ result: unknown; settingsFingerprint?: string }>(store, monthArtifacts(input.month).stage(input.stage));
      return saved && saved.settingsFingerprint === input.settingsFingerprint ? saved.result : null;
    },
    async writeStageResult(input: {
      month: string;
      stage: string;
      result: unknown;
      settingsFingerprint: string;
      workflowId: string;
      runId: string;
    }): Promise<void> {
      await putJson(store, monthArtifacts(input.month).stage(input.stage), { ...input, finishedAt: new Date().toISOString() });
    },
  };
}
