// The monthly Schedule on the real Temporal server: idempotent creation, its policies, pause and
// unpause, and a backfill that runs each month under the month's own workflow id.
import { randomUUID } from 'node:crypto';
import { ScheduleOverlapPolicy } from '@temporalio/client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { backfillMonths, ensureMonthlySchedule, summarizeSchedule } from '../core/temporal/monthly-schedule';
import { pipelineWorkflowId } from '../workflows/ids';
import { testSettings } from './helpers/pipeline';
import { freshGcsStore, startWorkers, type TestStack } from './helpers/stack';

let stack: TestStack;
const scheduleId = `test-monthly-${randomUUID()}`;

beforeAll(async () => {
  stack = await startWorkers(await freshGcsStore());
});
afterAll(async () => {
  await stack?.client.schedule
    .getHandle(scheduleId)
    .delete()
    .catch(() => undefined);
  await stack?.stop();
});

const options = () => ({ scheduleId, cron: '0 6 1 * *', catchupWindowDays: 3, taskQueue: stack.queues.pipeline, settings: testSettings(stack) });

it('creates the schedule once; creating again updates it in place', async () => {
  expect((await ensureMonthlySchedule(stack.client, options())).created).toBe(true);
  const again = await ensureMonthlySchedule(stack.client, { ...options(), catchupWindowDays: 5 });
  expect(again.created).toBe(false);
  const description = await again.handle.describe();
  expect(description.policies.overlap).toBe(ScheduleOverlapPolicy.SKIP);
  expect(description.policies.catchupWindow).toBe(5 * 24 * 3600 * 1000);
  const next = summarizeSchedule(description).nextRuns.map((t) => new Date(t));
  expect(next.length).toBeGreaterThan(0);
  for (const time of next) expect([time.getUTCDate(), time.getUTCHours(), time.getUTCMinutes()]).toEqual([1, 6, 0]);
});

it('pauses and unpauses', async () => {
  const handle = stack.client.schedule.getHandle(scheduleId);
  await handle.pause('maintenance');
  expect((await handle.describe()).state).toMatchObject({ paused: true, note: 'maintenance' });
  await handle.unpause('back');
  expect((await handle.describe()).state.paused).toBe(false);
});

it('backfills a range of months, each run processing the month before its scheduled time', async () => {
  const handle = stack.client.schedule.getHandle(scheduleId);
  await backfillMonths(handle, '2025-01', '2025-02');
  // The bucket has no data for these months: each run starts, under its month's id, and fails in ingest.
  for (const month of ['2025-01', '2025-02']) {
    const run = stack.client.workflow.getHandle(pipelineWorkflowId(month));
    let status = '';
    for (let tries = 0; tries < 100 && status !== 'FAILED'; tries++) {
      status = await run.describe().then(
        (d) => d.status.name,
        () => '',
      );
      if (status !== 'FAILED') await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(status).toBe('FAILED');
    const described = await run.describe();
    expect(described.searchAttributes.AdMonth).toEqual([month]);
  }
  await expect(backfillMonths(handle, '2025-03', '2025-01')).rejects.toThrow(/empty/);
});
