// Where the API's tokens come from: API_TOKENS and API_TOKENS_FILE (named, plain or hashed), else on
// loopback a generated file (mode 0600, made once, reused); a network address without configured
// tokens is refused, by the function, by the API process and by the main job.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { isLoopback } from '../api/auth/loopback';
import { resolveApiTokens } from '../api/auth/resolve-tokens';
import { ConfigError, loadConfig } from '../core/config';
import { freePort, tcpReachable } from '../devstack/processes';
import { newToken } from './helpers/api';

const root = path.resolve(import.meta.dirname, '..');
let dir: string;

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'adclick-api-tokens-'));
});
afterAll(async () => fs.rm(dir, { recursive: true, force: true }));

/** A fresh data directory, and a file in it holding json. */
async function scratch(json?: unknown): Promise<{ dataDir: string; file: string }> {
  const dataDir = await fs.mkdtemp(path.join(dir, 'case-'));
  const file = path.join(dataDir, 'tokens.json');
  if (json !== undefined) await fs.writeFile(file, typeof json === 'string' ? json : JSON.stringify(json));
  return { dataDir, file };
}

const hex = (token: string) => createHash('sha256').update(token).digest('hex');

it('reads named tokens from API_TOKENS and API_TOKENS_FILE (the token or only its SHA-256), or a role map', async () => {
  const [ci, dash, alice, bob, admin] = [newToken(), newToken(), newToken(), newToken(), newToken()];
  const { dataDir, file } = await scratch([
    { name: 'alice', role: 'admin', sha256: hex(alice) },
    { name: 'bob', role: 'predict', token: bob },
  ]);
  const config = loadConfig({ API_HOST: '0.0.0.0', DATA_DIR: dataDir, API_TOKENS: `ci-bot:operator:${ci}, dash:predict:${dash}`, API_TOKENS_FILE: file });
  const { tokens, generatedFile } = await resolveApiTokens(config);
  expect(generatedFile).toBeUndefined();
  expect(tokens.size).toBe(4);
  expect([ci, dash, alice, bob].map((token) => tokens.find(token))).toEqual([
    { name: 'ci-bot', role: 'operator' },
    { name: 'dash', role: 'predict' },
    { name: 'alice', role: 'admin' },
    { name: 'bob', role: 'predict' },
  ]);
  // What the file holds for alice is not a token.
  expect(tokens.find(hex(alice))).toBeUndefined();
  expect(await fs.readdir(dataDir)).toEqual(['tokens.json']);

  const roleMap = await scratch({ admin });
  const fromMap = await resolveApiTokens(loadConfig({ API_HOST: '0.0.0.0', DATA_DIR: roleMap.dataDir, API_TOKENS_FILE: roleMap.file }));
  expect(fromMap.tokens.find(admin)).toEqual({ name: 'admin', role: 'admin' });
});

it('names what is wrong with configured tokens, and never echoes a token', async () => {
  const secret = newToken();
  const short = 'short-but-secret';
  // What API_TOKENS_FILE holds (undefined: no file), what API_TOKENS holds, the message.
  const cases: [file: unknown, list: string | undefined, message: RegExp][] = [
    [undefined, `alice:admin`, /^API_TOKENS entry 1: expected name:role:token$/],
    [undefined, `alice:root:${secret}`, /^API_TOKENS entry 1: role: must be one of predict, operator, admin$/],
    [undefined, `alice:admin:${short}`, /^API_TOKENS entry 1: token: must be at least 32 random characters/],
    [undefined, `alice:admin:${secret},bob:admin:${secret}`, /^API tokens: alice and bob have the same token$/],
    [undefined, `alice:admin:${secret}x,:admin:${secret}`, /^API_TOKENS entry 2: name: must be 1 to 64 letters/],
    [`{"admin": "${secret}"`, undefined, /^API_TOKENS_FILE \S+ is not JSON$/],
    [[], undefined, /^API_TOKENS_FILE \S+ holds no tokens$/],
    [[{ name: 'alice', role: 'admin', token: secret, sha256: hex(secret) }], undefined, /\[0\]: needs exactly one of token and sha256$/],
    [[{ name: 'alice', role: 'admin', secret }], undefined, /\[0\]: Unrecognized key: "secret"/],
    [{ root: secret }, undefined, /^API_TOKENS_FILE \S+: /],
  ];
  for (const [json, list, message] of cases) {
    const { dataDir, file } = await scratch(json);
    const config = loadConfig({ API_HOST: '127.0.0.1', DATA_DIR: dataDir, API_TOKENS: list, API_TOKENS_FILE: json === undefined ? undefined : file });
    const error = await resolveApiTokens(config).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error, String(message)).toBeInstanceOf(ConfigError);
    expect(error!.message).toMatch(message);
    expect(error!.message).not.toContain(secret);
    expect(error!.message).not.toContain(short);
  }
  const missing = path.join(dir, 'no-such-file.json');
  await expect(resolveApiTokens(loadConfig({ API_TOKENS_FILE: missing }))).rejects.toThrow(`API_TOKENS_FILE ${missing} cannot be read (ENOENT)`);
});

it('generates one token per role into DATA_DIR on loopback, mode 0600, once: later and concurrent starts reuse it', async () => {
  const dataDir = path.join(dir, 'generated', 'data');
  const config = loadConfig({ API_HOST: '127.0.0.1', DATA_DIR: dataDir });
  const starts = await Promise.all(Array.from({ length: 4 }, () => resolveApiTokens(config)));
  const file = path.join(dataDir, 'api-tokens.json');
  expect(starts.map((s) => s.generatedFile)).toEqual(Array(4).fill(file));
  expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
  // Nothing half-written or temporary left beside it.
  expect(await fs.readdir(dataDir)).toEqual(['api-tokens.json']);

  const written = JSON.parse(await fs.readFile(file, 'utf8')) as Record<string, string>;
  expect(Object.keys(written)).toEqual(['predict', 'operator', 'admin']);
  expect(new Set(Object.values(written)).size).toBe(3);
  for (const token of Object.values(written)) expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  for (const start of starts) expect(start.tokens.find(written.operator!)).toEqual({ name: 'operator', role: 'operator' });

  const before = await fs.stat(file);
  const again = await resolveApiTokens(config);
  expect(again.tokens.find(written.admin!)).toEqual({ name: 'admin', role: 'admin' });
  expect(JSON.parse(await fs.readFile(file, 'utf8'))).toEqual(written);
  expect((await fs.stat(file)).mtimeMs).toBe(before.mtimeMs);

  // Configured tokens win: the generated file is then not used.
  const configured = await resolveApiTokens(loadConfig({ API_HOST: '127.0.0.1', DATA_DIR: dataDir, API_TOKENS: `ops:operator:${newToken()}` }));
  expect(configured.generatedFile).toBeUndefined();
  expect(configured.tokens.find(written.admin!)).toBeUndefined();
});

it('refuses a network address without configured tokens, even when a generated file exists', async () => {
  for (const host of ['localhost', '127.0.0.1', '127.3.2.1', '::1', '[::1]']) expect(isLoopback(host), host).toBe(true);
  for (const host of ['0.0.0.0', '::', '192.168.1.20', '10.0.0.5', 'api.example.com', '::ffff:8.8.8.8', '128.0.0.1']) {
    expect(isLoopback(host), host).toBe(false);
  }

  const { dataDir } = await scratch();
  await resolveApiTokens(loadConfig({ API_HOST: '127.0.0.1', DATA_DIR: dataDir }));
  for (const host of ['0.0.0.0', '::', '192.168.1.20']) {
    await expect(resolveApiTokens(loadConfig({ API_HOST: host, DATA_DIR: dataDir }))).rejects.toThrow(
      new ConfigError(
        `API_HOST ${host} is not a loopback address and no API tokens are configured: set API_TOKENS_FILE or API_TOKENS ` +
          '(README, Security), or listen on 127.0.0.1. Generated tokens are used on loopback only.',
      ),
    );
  }
  const fresh = await scratch();
  await expect(resolveApiTokens(loadConfig({ API_HOST: '0.0.0.0', DATA_DIR: fresh.dataDir }))).rejects.toThrow(ConfigError);
  expect(await fs.readdir(fresh.dataDir)).toEqual([]);
});

it.each([
  ['the API', 'api/index.ts', 'api could not start'],
  ['the main job', 'scripts/main.ts', 'the main job could not start'],
])('%s exits 1 with one error line, having started nothing, when asked to serve 0.0.0.0 without tokens', async (_, script, message) => {
  const { dataDir } = await scratch();
  const [port, temporalPort] = [await freePort(), await freePort()];
  const env = {
    ...process.env,
    API_HOST: '0.0.0.0',
    API_PORT: String(port),
    DATA_DIR: dataDir,
    API_TOKENS: '',
    API_TOKENS_FILE: '',
    TEMPORAL_ADDRESS: '',
    TEMPORAL_DEV_PORT: String(temporalPort),
  };
  const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  for (const stream of [child.stdout, child.stderr])
    stream.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  try {
    const code = await Promise.race([exited, new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 60_000))]);
    expect(code, output).toBe(1);
  } finally {
    child.kill('SIGKILL');
  }
  const errors = output.split('\n').filter((line) => line.includes('"level":"error"'));
  expect(errors).toHaveLength(1);
  expect(JSON.parse(errors[0]!)).toMatchObject({
    message,
    error: expect.stringMatching(/^API_HOST 0\.0\.0\.0 is not a loopback address and no API tokens/),
  });
  expect(output).not.toMatch(/api listening|at .*\.ts:\d+/);
  expect(await tcpReachable('127.0.0.1', port)).toBe(false);
  expect(await tcpReachable('127.0.0.1', temporalPort)).toBe(false);
  expect(await fs.readdir(dataDir)).toEqual([]);
});
