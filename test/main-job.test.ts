// The main job as an operator runs it (`npm start`'s script, a real process with its own embedded
// Temporal): its API answers only the tokens it generated (mode 0600, reused on restart); Ctrl-C in the
// middle of a month's training stops everything it started and exits 0 with one line; nothing is left
// running; a restart resumes the interrupted run and reports the month.
import { spawn, type ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { freePort, tcpReachable } from '../devstack/processes';
import { apiCaller } from './helpers/api';

const root = path.resolve(import.meta.dirname, '..');
let dataDir: string;
let env: NodeJS.ProcessEnv;

interface Job {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function startJob(args: string[] = []): Job {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/main.ts', ...args], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  return { child, output: () => output, exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))) };
}

async function waitFor(job: Job, pattern: RegExp, seconds: number): Promise<void> {
  for (let waited = 0; waited < seconds * 5; waited++) {
    if (pattern.test(job.output())) return;
    if (job.child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`never saw ${pattern}; output:\n${job.output().slice(-3000)}`);
}

/** Processes whose command line names this test's data directory (the embedded Temporal's SQLite file). */
function processesUsing(dir: string): string[] {
  try {
    return execFileSync('pgrep', ['-af', dir])
      .toString()
      .trim()
      .split('\n')
      .filter((line) => line && !line.includes('pgrep'));
  } catch {
    return [];
  }
}

beforeAll(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'adclick-main-job-'));
  const [temporalPort, uiPort, apiPort] = [await freePort(), await freePort(), await freePort()];
  env = {
    ...process.env,
    DATA_DIR: dataDir,
    TEMPORAL_DEV_PORT: String(temporalPort),
    TEMPORAL_UI_PORT: String(uiPort),
    API_PORT: String(apiPort),
    DEMO_MONTHS: '2026-06',
    DEMO_IMPRESSIONS: '12000',
    TEMPORAL_ADDRESS: '',
    STORAGE_URL: '',
    GCS_API_ENDPOINT: '',
    API_HOST: '127.0.0.1',
    API_TOKENS: '',
    API_TOKENS_FILE: '',
  };
});
afterAll(async () => fs.rm(dataDir, { recursive: true, force: true }));

it('serves its API to generated tokens only, stops cleanly on Ctrl-C during training, leaves nothing behind, and resumes the run on restart', async () => {
  const first = startJob();
  await waitFor(first, /epoch done/, 240);
  const tokensFile = path.join(dataDir, 'api-tokens.json');
  const tokensLine = `API tokens (predict, operator, admin; no API_TOKENS configured): ${tokensFile}`;
  let tokens: Record<string, string>;
  try {
    expect(first.output().split('\n')).toContain(tokensLine);
    expect((await fs.stat(tokensFile)).mode & 0o777).toBe(0o600);
    tokens = JSON.parse(await fs.readFile(tokensFile, 'utf8')) as Record<string, string>;
    expect(Object.keys(tokens)).toEqual(['predict', 'operator', 'admin']);
    const as = (token?: string) => apiCaller(`http://127.0.0.1:${env.API_PORT}`, token);
    expect((await as()('GET', '/health')).status).toBe(200);
    expect((await as()('GET', '/v1/models')).status).toBe(401);
    expect((await as(tokens.predict)('GET', '/v1/models')).status).toBe(200);
    expect((await as(tokens.operator)('POST', '/v1/models/1/promote', {})).status).toBe(403);
  } catch (error) {
    first.child.kill('SIGKILL');
    throw error;
  }
  first.child.kill('SIGINT');
  const code = await Promise.race([first.exited, new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 90_000))]);
  expect(code, first.output().slice(-3000)).toBe(0);
  expect(first.output()).toMatch(/^stopped \(SIGINT\): embedded Temporal, pipeline and training workers, REST API, Temporal client in \d+\.\d s$/m);
  expect(first.output()).not.toMatch(/IllegalStateError|Unhandled|at .*\.ts:\d+/);
  expect(await tcpReachable('127.0.0.1', Number(env.TEMPORAL_DEV_PORT))).toBe(false);
  expect(processesUsing(dataDir)).toEqual([]);

  const second = startJob(['--once']);
  expect(await second.exited, second.output().slice(-3000)).toBe(0);
  expect(second.output()).toMatch(/^month 2026-06: resuming the run started /m);
  expect(second.output()).toMatch(/^month 2026-06: promoted v1: AUC 0\.\d{4} \(baseline 0\.\d{4}\), calibration \d\.\d{3}; champion now v1$/m);
  expect(second.output()).toMatch(/^stopped \(--once\): /m);
  expect(second.output().split('\n')).toContain(tokensLine);
  expect(JSON.parse(await fs.readFile(tokensFile, 'utf8'))).toEqual(tokens);
  expect(processesUsing(dataDir)).toEqual([]);
  for (const job of [first, second]) expectOneLineLogs(job.output());
}, 600_000);

/** The SDK's logs come through our writer: one JSON object per line, with no activity task token. */
function expectOneLineLogs(output: string): void {
  const json = output.split('\n').filter((line) => line.startsWith('{'));
  expect(json.map((line) => JSON.parse(line) as { message: string }).some((entry) => entry.message === 'epoch done')).toBe(true);
  expect(output).not.toMatch(/taskToken/);
  expect(output).not.toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z \[(INFO|WARN|ERROR)\]/m);
}
