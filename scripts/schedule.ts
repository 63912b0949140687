// Manages the monthly Schedule: tsx scripts/schedule.ts <create|describe|pause|unpause|trigger|backfill|delete> [--from YYYY-MM --to YYYY-MM] [--note text]
import { parseArgs } from 'node:util';
import { loadConfig } from '../core/config';
import { codeVersion } from '../core/code-version';
import { isMonth } from '../core/features/month';
import { pipelineSettings } from '../core/pipeline/settings';
import { connectClient, temporalAddress } from '../core/temporal/connect';
import { backfillMonths, ensureMonthlySchedule, summarizeSchedule } from '../core/temporal/monthly-schedule';

const usage = 'usage: tsx scripts/schedule.ts <create|describe|pause|unpause|trigger|backfill|delete> [--from YYYY-MM --to YYYY-MM] [--note text]';
const { positionals, values } = parseArgs({ allowPositionals: true, options: { from: { type: 'string' }, to: { type: 'string' }, note: { type: 'string' } } });
const [command] = positionals;
if (!command || !['create', 'describe', 'pause', 'unpause', 'trigger', 'backfill', 'delete'].includes(command)) {
  console.error(usage);
  process.exit(2);
}
if (command === 'backfill' && !(values.from && values.to && isMonth(values.from) && isMonth(values.to))) {
  console.error(`backfill needs --from YYYY-MM and --to YYYY-MM\n${usage}`);
  process.exit(2);
}

const config = loadConfig();
const client = await connectClient({ address: temporalAddress(config), namespace: config.TEMPORAL_NAMESPACE });
const handle = client.schedule.getHandle(config.SCHEDULE_ID);
const note = values.note ?? `by ${command} command`;
switch (command) {
  case 'create': {
    const settings = pipelineSettings(config, codeVersion(config));
    const { created } = await ensureMonthlySchedule(client, {
      scheduleId: config.SCHEDULE_ID,
      cron: config.SCHEDULE_CRON,
      catchupWindowDays: config.SCHEDULE_CATCHUP_WINDOW_DAYS,
      taskQueue: config.PIPELINE_TASK_QUEUE,
      settings,
    });
    console.log(created ? `created schedule ${config.SCHEDULE_ID}` : `schedule ${config.SCHEDULE_ID} existed: updated to match the configuration`);
    break;
  }
  case 'pause':
    await handle.pause(note);
    break;
  case 'unpause':
    await handle.unpause(note);
    break;
  case 'trigger':
    await handle.trigger();
    break;
  case 'backfill':
    await backfillMonths(handle, values.from!, values.to!);
    break;
  case 'delete':
    await handle.delete();
    break;
}
if (command !== 'delete') console.log(JSON.stringify(summarizeSchedule(await handle.describe()), null, 2));
await client.connection.close();
