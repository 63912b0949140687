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
