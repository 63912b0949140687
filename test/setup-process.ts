// Each test process loads TensorFlow the way production does (and logs which backend it got), and
// keeps Temporal's own logs to warnings so test output stays readable.
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { loadConfig } from '../core/config';
import { initTensorFlow } from '../core/tf/backend';

try {
  Runtime.install({ logger: new DefaultLogger('WARN') });
} catch {
  // Already installed in this process by an earlier test file.
}
await initTensorFlow(loadConfig().TF_BACKEND);
