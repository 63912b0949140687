// Every workflow the workers register.
export { stackCheck } from './stack-check';
export { monthlyPipeline } from './monthly-pipeline';
export { ingestMonth } from './ingest-month';
export { scheduledMonthlyRun } from './scheduled-run';
export { batchScore } from './batch-score';
