// Every workflow the workers register.
export { stackCheck } from './stack-check';
export { monthlyPipeline } from './monthly-pipeline';
export { scheduledMonthlyRun } from './scheduled-run';
