// Workflow determinism: recorded histories of real runs must replay against today's workflow code.
// After an intentional, versioned change, record a fresh history (the two-month test writes them to
// .data/recorded-histories) and replace the fixture.
import fs from 'node:fs/promises';
import path from 'node:path';
import { DeterminismViolationError } from '@temporalio/workflow';
import { Worker } from '@temporalio/worker';
import { expect, it } from 'vitest';
import { workflowsPath } from '../workers/build-workers';

const fixtures = path.join(import.meta.dirname, 'fixtures', 'histories');

/** A fixture is a history as JSON, with the id of the workflow it came from when it was recorded with one
 *  (replay otherwise runs under a made-up id, and child workflow ids derived from it would not match). */
async function histories(): Promise<{ name: string; history: unknown; workflowId?: string }[]> {
  const names = (await fs.readdir(fixtures)).filter((name) => name.endsWith('.json'));
  return Promise.all(
    names.map(async (name) => {
      const { workflowId, ...history } = JSON.parse(await fs.readFile(path.join(fixtures, name), 'utf8')) as { workflowId?: string };
      return { name, history, workflowId };
    }),
  );
}

it('replays every recorded pipeline history against the current workflows', async () => {
  const recorded = await histories();
  expect(recorded.length).toBeGreaterThan(0);
  for (const { name, history, workflowId } of recorded) {
    await expect(Worker.runReplayHistory({ workflowsPath, replayName: name }, history as never, workflowId), name).resolves.toBeUndefined();
  }
});

it('catches a non-deterministic change', async () => {
  const [first] = await histories();
  const changed = path.join(import.meta.dirname, 'fixtures', 'changed-workflow.ts');
  await expect(Worker.runReplayHistory({ workflowsPath: changed }, first!.history as never)).rejects.toBeInstanceOf(DeterminismViolationError);
});
