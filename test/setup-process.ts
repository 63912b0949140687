// Each test process loads TensorFlow the way production does (and logs which backend it got), and
// keeps Temporal's own logs to warnings, one JSON line each, so test output stays readable.
import { loadConfig } from '../core/config';
import { initTensorFlow } from '../core/tf/backend';
import { installOneLineLogs } from '../workers/one-line-logs';

installOneLineLogs('WARN');
await initTensorFlow(loadConfig().TF_BACKEND);
