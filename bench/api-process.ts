// The real API (api/index.ts) in its own process, so the load generator does not share its event loop;
// stopped with SIGTERM as in production, which flushes the prediction log before the process exits.
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import type { PredictorStatus } from '../core/serving/champion-predictor';
import { freePort, waitUntil } from '../devstack/processes';
import { BENCH_API_TOKEN, type BenchApi } from './stack';

const projectRoot = path.resolve(import.meta.dirname, '..');

export interface ApiProcess extends BenchApi {
  pid: number;
  health(): Promise<PredictorStatus>;
  /** SIGTERM, then resolves once the process has exited (its prediction log written). */
  stop(): Promise<void>;
}

/** Starts the API on the bucket with the given settings and resolves once it serves a champion.
 *  nodeFlags: e.g. --cpu-prof, which Node does not take from NODE_OPTIONS; root: another checkout of this
 *  project to run the API of (e.g. an earlier commit's, to compare with). */
export async function startApiProcess(
  bucketDir: string,
  settings: Record<string, string>,
  logFile: string,
  nodeFlags: string[] = [],
  root = projectRoot,
): Promise<ApiProcess> {
  const port = await freePort();
  const env = {
    ...process.env,
    ...settings,
    STORAGE_URL: `file://${bucketDir}`,
    API_HOST: '127.0.0.1',
    API_PORT: String(port),
    API_TOKENS: `benchmark:admin:${BENCH_API_TOKEN}`,
    API_TOKENS_FILE: '',
  };
  const child = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', 'api/index.ts'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const output = createWriteStream(logFile, { flags: 'a' });
  child.stdout.pipe(output);
  child.stderr.pipe(output);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  // A benchmark that fails half-way must not leave an API behind.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const url = `http://127.0.0.1:${port}`;
  const health = async () => (await (await fetch(`${url}/health`)).json()) as PredictorStatus;
  await waitUntil('the API', async () => (await health()).champion !== null, 120_000, logFile);
  return {
    url,
    token: BENCH_API_TOKEN,
    pid: child.pid!,
    health,
    async stop() {
      child.kill('SIGTERM');
      const code = await exited;
      process.off('exit', killOnExit);
      if (code !== 0) throw new Error(`the API exited with ${code}; see ${logFile}`);
    },
  };
}
