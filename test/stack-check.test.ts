// A workflow on the real Temporal server calls activities on a real pipeline worker and a real training worker.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { stackCheck } from '../workflows/stack-check';
import { freshGcsStore, startWorkers, type TestStack } from './helpers/stack';

let stack: TestStack;
beforeAll(async () => {
  stack = await startWorkers(await freshGcsStore());
});
afterAll(async () => stack?.stop());

it('runs activities on both task queues against the bucket and TensorFlow', async () => {
  const reports = await stack.client.workflow.execute(stackCheck, {
    taskQueue: stack.queues.pipeline,
    workflowId: `stack-check-${randomUUID()}`,
    args: [stack.queues],
  });
  expect(reports.map((r) => r.taskQueue)).toEqual([stack.queues.pipeline, stack.queues.training]);
  for (const report of reports) {
    expect(report.storeUrl).toMatch(/^gs:\/\/test-/);
    expect(report.matmulChecksum).toBe(512);
    expect(report.tensorflowBackend).toMatch(/^tensorflow-(cpu|gpu)$|^js-cpu$/);
  }
});
