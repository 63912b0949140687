// Each finished stage leaves its result in the bucket, so re-running a month resumes after the last
// stage that succeeded instead of redoing everything.
import { getJsonIfExists, putJson, type BlobStore } from '../core/storage/blob-store';
import { monthArtifacts } from '../core/pipeline/layout';

export function createStageResultActivities(deps: { store: BlobStore }) {
  const { store } = deps;
  return {
    async readStageResult(input: { month: string; stage: string }): Promise<unknown> {
      return (await getJsonIfExists<{ result: unknown }>(store, monthArtifacts(input.month).stage(input.stage)))?.result ?? null;
    },
    async writeStageResult(input: { month: string; stage: string; result: unknown; workflowId: string; runId: string }): Promise<void> {
      await putJson(store, monthArtifacts(input.month).stage(input.stage), { ...input, finishedAt: new Date().toISOString() });
    },
    async clearStageResults(input: { month: string; stages: string[] }): Promise<void> {
      await Promise.all(input.stages.map((stage) => store.delete(monthArtifacts(input.month).stage(stage))));
    },
  };
}
