// Serves an app over HTTP on host:port (port 0: any free port); the entry point and the tests share it.
// Requests go to the app's fast path first, if it has one (see node-fast-path.ts).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { nodeFastPathOf } from './node-fast-path';
import type { AppOpenAPI } from './types';

export interface RunningServer {
  /** e.g. http://127.0.0.1:8080 */
  url: string;
  /** Stops accepting connections and resolves once in-flight requests have finished. */
  close(): Promise<void>;
}

export function startServer(app: AppOpenAPI, hostname: string, port: number): Promise<RunningServer> {
  const listener = getRequestListener(app.fetch, { hostname });
  // A handed-over request's body was read to its end already: nothing is left for Hono to drain.
  const afterFastPath = getRequestListener(app.fetch, { hostname, autoCleanupIncoming: false });
  const fastPath = nodeFastPathOf(app);
  const onRequest = (incoming: IncomingMessage, outgoing: ServerResponse) => {
    if (!fastPath?.(incoming, outgoing, () => void afterFastPath(incoming, outgoing))) void listener(incoming, outgoing);
  };
  return new Promise((resolve, reject) => {
    const server = createServer(onRequest);
    server.once('error', reject);
    server.listen(port, hostname, () => {
      server.off('error', reject);
      const host = hostname.includes(':') ? `[${hostname}]` : hostname;
      resolve({
        url: `http://${host}:${(server.address() as AddressInfo).port}`,
        close: () =>
          new Promise<void>((done, fail) => {
            server.close((error) => (error ? fail(error) : done()));
            // Idle keep-alive connections would otherwise hold close() open.
            server.closeIdleConnections();
          }),
      });
    });
  });
}
