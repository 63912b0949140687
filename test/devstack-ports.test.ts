// The local servers' start-up when a port is not free: chosen ports stay out of the kernel's ephemeral range
// (where any outgoing connection can take them), and a server that cannot bind fails at once, saying why.
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeGcsServer } from '../devstack/fake-gcs-server';
import { freePort } from '../devstack/processes';
import { startTemporalDevServer } from '../devstack/temporal-dev-server';

let dir: string;
let squatter: net.Server;
let takenPort: number;

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'adclick-devstack-ports-'));
  takenPort = await freePort();
  squatter = net.createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => squatter.listen(takenPort, '127.0.0.1', resolve));
});
afterAll(async () => {
  await new Promise((resolve) => squatter.close(resolve));
  await fs.rm(dir, { recursive: true, force: true });
});

describe('freePort', () => {
  it('gives distinct listenable ports below the ephemeral range', async () => {
    const ephemeralStart = Number((await fs.readFile('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')).split(/\s+/)[0]);
    const ports = await Promise.all(Array.from({ length: 50 }, () => freePort()));
    expect(new Set(ports).size).toBe(50);
    for (const port of ports) expect(port).toBeLessThan(ephemeralStart);
    expect(ports).not.toContain(takenPort);
  });
});

describe('a server whose port is taken', () => {
  it('Temporal: the UI port taken fails start-up at once with its own reason from the CLI', async () => {
    const logFile = path.join(dir, 'temporal-ui.log');
    const start = startTemporalDevServer({ port: await freePort(), uiPort: takenPort, logFile });
    await expect(start).rejects.toThrow(
      new RegExp(`^Temporal dev server exited during start-up: Error: can't set UI port ${takenPort}: .*address already in use; see ${logFile}$`),
    );
  });

  it('Temporal: the gRPC port taken fails the same way', async () => {
    const start = startTemporalDevServer({ port: takenPort, logFile: path.join(dir, 'temporal-grpc.log') });
    await expect(start).rejects.toThrow(new RegExp(`exited during start-up: Error: can't set frontend port ${takenPort}: .*address already in use`));
  });

  it('fake-gcs-server: a port another listener holds is not mistaken for the server being up', async () => {
    const start = startFakeGcsServer({ port: takenPort, logFile: path.join(dir, 'gcs.log') });
    await expect(start).rejects.toThrow(/^fake-gcs-server exited during start-up: .*address already in use/);
  });
});
