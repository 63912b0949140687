// Entry point: the pipeline worker (workflows + ingest/validate/transform/evaluate/promote activities).
import { startWorkers } from './run-workers';

const { done } = await startWorkers(['pipeline']);
await done;
