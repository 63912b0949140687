// Starting local servers for development and tests: free ports, processes tied to their owner, readiness waits.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync, statSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export const toolsBin = path.resolve(import.meta.dirname, '..', '.tools', 'bin');
const tiedScript = path.resolve(import.meta.dirname, 'tied-to-parent.sh');
const lowestChosenPort = 10_000;
const chosenPorts = new Set<number>();

/**
 * A port nothing listens on, from below the kernel's ephemeral range: a port from inside it can be taken by
 * any outgoing connection between choosing it and the server binding it. Never the same port twice per process.
 */
export async function freePort(): Promise<number> {
  const ceiling = ephemeralRangeStart();
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = lowestChosenPort + Math.floor(Math.random() * (ceiling - lowestChosenPort));
    if (chosenPorts.has(port) || !(await canListen(port))) continue;
    chosenPorts.add(port);
    return port;
  }
  throw new Error(`no free port between ${lowestChosenPort} and ${ceiling} after 100 tries`);
}

/** Linux says where its ephemeral ports start; elsewhere assume Linux's default. */
function ephemeralRangeStart(): number {
  try {
    const start = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return start > lowestChosenPort + 1000 ? start : 32_768;
  } catch {
    return 32_768;
  }
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

export interface RunningProcess {
  readonly name: string;
  readonly logFile: string;
  /** Set once the process has exited and its output is all in logFile. */
  hasExited(): boolean;
  /** What this process wrote to logFile (which may hold earlier runs' output too). */
  output(): string;
  /** The last non-empty line of output(). */
  lastLine(): string;
  stop(): Promise<void>;
}

/** Spawns a tool from .tools/bin that dies with this process; its output goes to logFile. */
export function spawnTool(name: string, binary: string, args: string[], logFile: string): RunningProcess {
  const child: ChildProcess = spawn('bash', [tiedScript, String(process.pid), path.join(toolsBin, binary), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const startOffset = fileSize(logFile);
  const logStream = createWriteStream(logFile, { flags: 'a' });
  // Two sources feed one file: neither may end it, the child's close does.
  child.stdout?.pipe(logStream, { end: false });
  child.stderr?.pipe(logStream, { end: false });
  let exited = false;
  const closed = new Promise<void>((resolve) =>
    child.once('close', () => {
      logStream.end(() => {
        exited = true;
        resolve();
      });
    }),
  );
  return {
    name,
    logFile,
    hasExited: () => exited,
    output: () => outputFrom(logFile, startOffset),
    lastLine: () => outputFrom(logFile, startOffset).trim().split('\n').pop()?.trim() || 'it wrote nothing',
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await closed;
    },
  };
}

/** Polls until probe resolves true, or fails naming the process, its last words if it exited, and its log. */
export async function waitUntil(what: string, probe: () => Promise<boolean>, timeoutMs: number, logFile: string, process?: RunningProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe().catch(() => false)) return;
    if (process?.hasExited()) throw new Error(`${what} exited during start-up: ${process.lastLine()}; see ${logFile}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${what} was not ready after ${timeoutMs / 1000}s; see ${logFile}`);
}

function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

function outputFrom(file: string, offset: number): string {
  try {
    return readFileSync(file).subarray(offset).toString('utf8');
  } catch {
    return '';
  }
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
