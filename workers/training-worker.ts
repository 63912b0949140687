// Entry point: a training worker (GPU machines; a CPU machine may run one too).
import { startWorkers } from './run-workers';

const { done } = await startWorkers(['training']);
await done;
