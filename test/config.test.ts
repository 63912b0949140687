import { expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../core/config';

it('has laptop defaults: a local directory store and an embedded Temporal', () => {
  const config = loadConfig({});
  expect(config.storageUrl).toMatch(/^file:\/\/.*\.data\/bucket$/);
  expect(config.TEMPORAL_ADDRESS).toBeUndefined();
  expect(config.TF_BACKEND).toBe('auto');
});

it('names the bad variable and its value', () => {
  expect(() => loadConfig({ API_PORT: 'eighty' })).toThrow(ConfigError);
  expect(() => loadConfig({ TF_BACKEND: 'tpu' })).toThrow(/TF_BACKEND.*"tpu"/s);
});

it('logs every prediction by default, and refuses a sample rate outside [0, 1]', () => {
  expect(loadConfig({}).PREDICTION_LOG_SAMPLE_RATE).toBe(1);
  expect(loadConfig({ PREDICTION_LOG_SAMPLE_RATE: '0' }).PREDICTION_LOG_SAMPLE_RATE).toBe(0);
  expect(() => loadConfig({ PREDICTION_LOG_SAMPLE_RATE: '1.5' })).toThrow(/PREDICTION_LOG_SAMPLE_RATE.*"1.5"/s);
  expect(loadConfig({ PREDICTION_LOG_INSTANCES: 'true' }).PREDICTION_LOG_INSTANCES).toBe(true);
});
