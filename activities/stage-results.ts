// Each finished stage leaves its result in the bucket, so re-running a month resumes after the last
// stage that succeeded instead of redoing everything. A result counts only for a run with the same
// settings: change a setting and the stages run again.
import { getJsonIfExists, putJson, type BlobStore } from '../core/storage/blob-store';
import { monthArtifacts } from '../core/pipeline/layout';

export function createStageResultActivities(deps: { store: BlobStore }) {
  const { store } = deps;
  return {
    async readStageResult(input: { month: string; stage: string; settingsFingerprint: string }): Promise<unknown> {
      const saved = await getJsonIfExists<{ result: unknown; settingsFingerprint?: string }>(store, monthArtifacts(input.month).stage(input.stage));
      return saved && saved.settingsFingerprint === input.settingsFingerprint ? saved.result : null;
    },
    async writeStageResult(input: { month: string; stage: string; result: unknown; settingsFingerprint: string; workflowId: string; runId: string }): Promise<void> {
      await putJson(store, monthArtifacts(input.month).stage(input.stage), { ...input, finishedAt: new Date().toISOString() });
    },
    async clearStageResults(input: { month: string; stages: string[] }): Promise<void> {
      await Promise.all(input.stages.map((stage) => store.delete(monthArtifacts(input.month).stage(stage))));
    },
  };
}
