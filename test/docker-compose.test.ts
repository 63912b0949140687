// Structural checks on docker-compose.yml: no Docker engine runs here, so the file is read, not started.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { parse } from 'yaml';
import { isLoopback } from '../api/auth/loopback';
import { WORKER_MALLOC_ARENAS } from '../workers/malloc-arenas';

interface Service {
  image?: string;
  build?: { context?: string; dockerfile?: string };
  environment?: Record<string, string | number | boolean | null> | string[];
  stop_grace_period?: string;
  profiles?: string[];
  ports?: string[];
  volumes?: string[];
  command?: string[];
  secrets?: string[];
  deploy?: { resources?: { reservations?: { devices?: { driver?: string; count?: number | string; capabilities?: string[] }[] } } };
}

const root = path.resolve(import.meta.dirname, '..');
// `merge` resolves the `<<: *app-env` keys the way Docker Compose does.
const compose = parse(readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
  secrets?: Record<string, { file?: string }>;
};
const services = compose.services;
const workers = ['worker', 'trainer-cpu', 'gpu-worker'];
const appServices = ['api', ...workers];

function service(name: string): Service {
  const found = services[name];
  if (!found) throw new Error(`docker-compose.yml has no service ${name}`);
  return found;
}

function env(name: string): Record<string, string> {
  const raw = service(name).environment ?? {};
  const pairs = Array.isArray(raw) ? raw.map((line) => line.split(/=(.*)/s)) : Object.entries(raw);
  return Object.fromEntries(pairs.map(([key, value]) => [String(key), value == null ? '' : String(value)]));
}

/** Compose duration ("90s", "1m30s", "1h", "500ms") in seconds. */
function durationSeconds(text: string): number {
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s|us)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) throw new Error(`not a compose duration: ${text}`);
  const unit: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 1e-3, us: 1e-6 };
  return parts.reduce((sum, [, amount, suffix]) => sum + Number(amount) * (unit[suffix ?? ''] ?? NaN), 0);
}

it('parses compose durations', () => {
  expect(durationSeconds('90s')).toBe(90);
  expect(durationSeconds('1m30s')).toBe(90);
  expect(durationSeconds('2h')).toBe(7200);
  expect(() => durationSeconds('90')).toThrow();
});

it('has the whole stack', () => {
  for (const name of ['postgresql', 'temporal-schema-setup', 'temporal', 'temporal-create-namespace', 'temporal-ui', 'fake-gcs', ...appServices]) {
    expect(services, name).toHaveProperty([name]);
  }
});

it('runs Temporal as samples-server does: temporalio/server after a schema job, no auto-setup', () => {
  const images = Object.values(services).flatMap((s) => (s.image ? [s.image] : []));
  expect(images.filter((image) => image.includes('temporalio/auto-setup'))).toEqual([]);
  expect(service('temporal').image).toMatch(/^temporalio\/server:\d+\.\d+\.\d+$/);
  expect(service('temporal-schema-setup').image).toMatch(/^temporalio\/admin-tools:\d+\.\d+\.\d+$/);
  expect(service('temporal')).toHaveProperty(['depends_on', 'temporal-schema-setup', 'condition'], 'service_completed_successfully');
  const dynamicConfig = path.basename(env('temporal').DYNAMIC_CONFIG_FILE_PATH ?? '');
  expect(dynamicConfig).toMatch(/\.ya?ml$/);
  expect(existsSync(path.join(root, 'docker/temporal/dynamicconfig', dynamicConfig)), dynamicConfig).toBe(true);
});

it('pins every pulled image to a version', () => {
  const pulled = Object.entries(services).filter(([, s]) => s.image && !s.build);
  for (const [name, s] of pulled) expect(s.image, name).toMatch(/:(?!latest$)[\w.-]+$/);
});

it('serves the Temporal UI on host port 8233', () => {
  expect(service('temporal-ui').ports?.some((p) => /(^|:)8233:8080$/.test(p))).toBe(true);
});

it('reserves an NVIDIA GPU for the GPU worker', () => {
  const devices = service('gpu-worker').deploy?.resources?.reservations?.devices ?? [];
  expect(devices.some((d) => d.driver === 'nvidia' && d.capabilities?.includes('gpu'))).toBe(true);
  expect(env('gpu-worker').TF_BACKEND).toBe('gpu');
  expect(service('trainer-cpu').profiles).toContain('cpu-training');
});

it.each(workers)('%s outlives its own shutdown grace before Docker kills it', (name) => {
  const grace = Number(env(name).WORKER_SHUTDOWN_GRACE_SECONDS);
  const stopGrace = service(name).stop_grace_period;
  expect(grace).toBeGreaterThan(0);
  expect(stopGrace).toBeDefined();
  expect(durationSeconds(stopGrace ?? '')).toBeGreaterThan(grace);
});

it.each(workers)("%s runs with the workers' malloc arenas", (name) => {
  expect(env(name).MALLOC_ARENA_MAX).toBe(WORKER_MALLOC_ARENAS);
});

it('the GPU image runs its training worker with them too', () => {
  const dockerfile = readFileSync(path.join(root, 'docker/Dockerfile.gpu'), 'utf8');
  expect(dockerfile).toMatch(new RegExp(`^\\s*MALLOC_ARENA_MAX=${WORKER_MALLOC_ARENAS}\\b`, 'm'));
});

it.each(appServices)('%s is configured for the shared Temporal and storage', (name) => {
  expect(env(name).TEMPORAL_ADDRESS).toBe('temporal:7233');
  expect(env(name).STORAGE_URL).toMatch(/\S/);
});

it('builds from Dockerfiles and mounts host paths that exist', () => {
  const builds = Object.values(services).flatMap((s) => (s.build ? [s.build] : []));
  expect(builds.length).toBeGreaterThanOrEqual(2);
  for (const build of builds) {
    const dockerfile = path.resolve(root, build.context ?? '.', build.dockerfile ?? 'Dockerfile');
    expect(existsSync(dockerfile), dockerfile).toBe(true);
  }
  const binds = Object.values(services)
    .flatMap((s) => s.volumes ?? [])
    .filter((v) => v.startsWith('./'));
  for (const bind of binds) expect(existsSync(path.resolve(root, bind.split(':')[0] ?? '')), bind).toBe(true);
});

it('hands the API its bearer tokens as a secret, to no other service, from a file git and image builds ignore', () => {
  const apis = Object.entries(services).filter(([, s]) => s.command?.includes('api/index.ts'));
  expect(apis.map(([name]) => name)).toEqual(['api']);
  expect(isLoopback(env('api').API_HOST ?? '')).toBe(false);
  expect(env('api').API_TOKENS_FILE).toBe('/run/secrets/api-tokens');
  expect(service('api').secrets).toEqual(['api-tokens']);
  for (const name of workers) {
    expect(service(name).secrets, name).toBeUndefined();
    expect(
      Object.keys(env(name)).filter((key) => key.startsWith('API_TOKENS')),
      name,
    ).toEqual([]);
  }
  // The default path when API_TOKENS_SECRET_FILE is unset.
  const file = /^\$\{API_TOKENS_SECRET_FILE:-\.\/(.+)\}$/.exec(compose.secrets?.['api-tokens']?.file ?? '')?.[1];
  expect(file).toBe('docker/secrets/api-tokens.json');
  const ignored = (name: string) =>
    readFileSync(path.join(root, name), 'utf8')
      .split('\n')
      .map((line) => line.replace(/\/$/, ''));
  expect(ignored('.gitignore')).toContain('docker/secrets');
  expect(ignored('.dockerignore')).toContain('docker/secrets');
});

it('has Prometheus scrape the API with a token and every worker at the metrics address it is given', () => {
  const prometheus = service('prometheus');
  expect(prometheus.secrets).toEqual(['prometheus-token']);
  const configBind = prometheus.volumes?.find((v) => v.endsWith(':/etc/prometheus/prometheus.yml:ro')) ?? '';
  const config = parse(readFileSync(path.join(root, configBind.split(':')[0] ?? ''), 'utf8')) as {
    scrape_configs: { job_name: string; metrics_path?: string; authorization?: { credentials_file?: string }; static_configs: { targets: string[] }[] }[];
  };
  const targets = (job: string) => config.scrape_configs.find((c) => c.job_name === job)?.static_configs.flatMap((c) => c.targets) ?? [];
  const apiJob = config.scrape_configs.find((c) => c.job_name === 'adclick-api');
  expect(apiJob?.authorization?.credentials_file).toBe('/run/secrets/prometheus-token');
  expect(targets('adclick-api')).toEqual([`api:${env('api').API_PORT}`]);
  for (const name of workers) {
    const port = /^0\.0\.0\.0:(\d+)$/.exec(env(name).WORKER_METRICS_ADDRESS ?? '')?.[1];
    expect(port, name).toBeDefined();
    expect(targets('adclick-workers'), name).toContain(`${name}:${port}`);
  }
  expect(compose.secrets?.['prometheus-token']?.file).toMatch(/docker\/secrets\/prometheus-token\}$/);
});
