// Entry point: the pipeline worker (workflows + ingest/validate/transform/evaluate/promote activities).
import { runWorkerProcess } from './start-or-exit';

await runWorkerProcess(['pipeline']);
