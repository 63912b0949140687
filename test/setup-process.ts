// Each test process loads TensorFlow the way production does (and logs which backend it got), and
// keeps Temporal's own logs to warnings, one JSON line each, so test output stays readable.
import { loadConfig } from '../core/config';
import { initTensorFlow } from '../core/tf/backend';
import { installWorkerRuntime } from '../workers/worker-runtime';

installWorkerRuntime({ logLevel: 'WARN' });
await initTensorFlow(loadConfig().TF_BACKEND);
