// Serves an app over HTTP on host:port (port 0: any free port); the entry point and the tests share it.
import { serve } from '@hono/node-server';
import type { AppOpenAPI } from './types';

export interface RunningServer {
  /** e.g. http://127.0.0.1:8080 */
  url: string;
  /** Stops accepting connections and resolves once in-flight requests have finished. */
  close(): Promise<void>;
}

export function startServer(app: AppOpenAPI, hostname: string, port: number): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname, port }, (info) => {
      server.off('error', reject);
      const host = hostname.includes(':') ? `[${hostname}]` : hostname;
      resolve({
        url: `http://${host}:${info.port}`,
        close: () =>
          new Promise<void>((done, fail) => {
            server.close((error) => (error ? fail(error) : done()));
            // Idle keep-alive connections would otherwise hold close() open.
            if ('closeIdleConnections' in server) server.closeIdleConnections();
          }),
      });
    });
    server.once('error', reject);
  });
}
