// Each test process loads TensorFlow the way production does, and says which backend it got.
import { loadConfig } from '../core/config';
import { initTensorFlow } from '../core/tf/backend';

await initTensorFlow(loadConfig().TF_BACKEND);
