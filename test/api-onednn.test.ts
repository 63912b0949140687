// SERVING_ONEDNN and SERVING_TF_THREADS reach TensorFlow: the API entry point, started as in production, loads
// TensorFlow with oneDNN on by default and off when asked (TensorFlow announces on stderr when its oneDNN kernels
// are on), and with one intra-op thread unless told otherwise (its start-up line says what TensorFlow was given).
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect, inject, it } from 'vitest';
import { freePort } from '../devstack/processes';
import { newToken } from './helpers/api';

const root = path.resolve(import.meta.dirname, '..');
const ONEDNN_ON = 'oneDNN custom operations are on';

/** Everything the API printed until it listened (then it is stopped). */
async function startupOutput(settings: Record<string, string>): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'adclick-onednn-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...settings,
    STORAGE_URL: `file://${dir}/bucket`,
    DATA_DIR: dir,
    API_HOST: '127.0.0.1',
    API_PORT: String(await freePort()),
    API_TOKENS: `test:predict:${newToken()}`,
    API_TOKENS_FILE: '',
    TEMPORAL_ADDRESS: inject('temporalAddress'),
  };
  // The default is under test, whatever the environment running the tests says.
  for (const name of ['SERVING_ONEDNN', 'SERVING_TF_THREADS', 'TF_NUM_INTRAOP_THREADS']) if (!(name in settings)) delete env[name];
  const child = spawn(process.execPath, ['--import', 'tsx', 'api/index.ts'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  try {
    await new Promise<void>((resolve, reject) => {
      for (const stream of [child.stdout, child.stderr])
        stream.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          if (output.includes('api listening')) resolve();
        });
      child.once('exit', (code) => reject(new Error(`the API exited with ${code}: ${output}`)));
    });
  } finally {
    child.kill('SIGKILL');
    await fs.rm(dir, { recursive: true, force: true });
  }
  return output;
}

it('serves with oneDNN on by default and off with SERVING_ONEDNN=false', async () => {
  const [byDefault, off] = await Promise.all([startupOutput({}), startupOutput({ SERVING_ONEDNN: 'false' })]);
  expect(byDefault).toContain('"tensorflow":"tensorflow-');
  expect(byDefault).toContain(ONEDNN_ON);
  expect(off).toContain('"tensorflow":"tensorflow-');
  expect(off).not.toContain(ONEDNN_ON);
}, 120_000);

it('serves with one TensorFlow intra-op thread by default, and SERVING_TF_THREADS=0 leaves TensorFlow its own', async () => {
  const [byDefault, own, two] = await Promise.all([startupOutput({}), startupOutput({ SERVING_TF_THREADS: '0' }), startupOutput({ SERVING_TF_THREADS: '2' })]);
  expect(byDefault).toContain('"intraOpThreads":"1"');
  expect(own).toContain('"intraOpThreads":"one per core"');
  expect(two).toContain('"intraOpThreads":"2"');
}, 120_000);
