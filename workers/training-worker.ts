// Entry point: a training worker (GPU machines; a CPU machine may run one too).
import { runWorkerProcess } from './start-or-exit';

await runWorkerProcess(['training']);
