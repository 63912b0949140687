// Starting local servers for development and tests: free ports, processes tied to their owner, readiness waits.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export const toolsBin = path.resolve(import.meta.dirname, '..', '.tools', 'bin');
const tiedScript = path.resolve(import.meta.dirname, 'tied-to-parent.sh');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface RunningProcess {
  readonly name: string;
  readonly logFile: string;
  stop(): Promise<void>;
}

/** Spawns a tool from .tools/bin that dies with this process; its output goes to logFile. */
export function spawnTool(name: string, binary: string, args: string[], logFile: string): RunningProcess {
  const child: ChildProcess = spawn('bash', [tiedScript, String(process.pid), path.join(toolsBin, binary), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logStream = createWriteStream(logFile, { flags: 'a' });
  child.stdout?.pipe(logStream);
  child.stderr?.pipe(logStream);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    name,
    logFile,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Polls until probe resolves true, or fails naming the process and its log. */
export async function waitUntil(what: string, probe: () => Promise<boolean>, timeoutMs: number, logFile: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${what} was not ready after ${timeoutMs / 1000}s; see ${logFile}`);
}

export function tcpReachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port }, () => {
      socket.end();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}
