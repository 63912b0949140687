// Scores a month's (or any folder's) CSVs with a registered model version, through the batchScore
// workflow on the pipeline workers, and prints the summary when it finishes:
//   npm run batch-score -- --month 2026-10 [--version 3] [--no-wait]
//   npm run batch-score -- --prefix incoming/2026-11-02/ [--version 3]
import { parseArgs } from 'node:util';
import { BatchScoreRefused, startBatchScore } from '../core/batch-score/start-batch-score';
import { loadConfig } from '../core/config';
import { ModelRegistry } from '../core/registry/model-registry';
import { openStore } from '../core/storage/open-store';
import { connectClient, temporalAddress } from '../core/temporal/connect';
import type { batchScore } from '../workflows/batch-score';

const usage = 'usage: npm run batch-score -- --month YYYY-MM | --prefix folder/ [--version N] [--no-wait]';
const { values } = parseArgs({
  options: { month: { type: 'string' }, prefix: { type: 'string' }, version: { type: 'string' }, 'no-wait': { type: 'boolean' } },
});
const version = values.version === undefined ? undefined : Number(values.version);
if (version !== undefined && !(Number.isInteger(version) && version > 0)) {
  console.error(`--version must be a positive whole number, got ${values.version}\n${usage}`);
  process.exit(2);
}

const config = loadConfig();
const store = await openStore(config);
const temporal = await connectClient({ address: temporalAddress(config), namespace: config.TEMPORAL_NAMESPACE });
try {
  let workflowId: string;
  try {
    const started = await startBatchScore(
      { temporal, registry: new ModelRegistry(store), store, config },
      { month: values.month, prefix: values.prefix, version },
    );
    workflowId = started.workflowId;
    const from = started.versionFrom === 'champion' ? ' (the champion)' : '';
    console.log(`scoring ${started.prefix} with v${started.version}${from}: workflow ${workflowId}`);
  } catch (error) {
    if (!(error instanceof BatchScoreRefused)) throw error;
    if (error.status !== 409) {
      console.error(`${error.message}\n${usage}`);
      process.exit(2);
    }
    // The same job is running already: follow that one.
    workflowId = String(error.details?.workflowId);
    console.log(`${error.message}; waiting for it`);
  }
  if (!values['no-wait']) {
    const summary = await temporal.workflow.getHandle<typeof batchScore>(workflowId).result();
    console.log(JSON.stringify(summary, null, 2));
  }
} catch (error) {
  console.error(`batch score failed: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  await temporal.connection.close();
}
