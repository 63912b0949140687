// The load harness's ceiling: a bare node:http server in its own process that reads each request's body
// and answers a fixed JSON object. Loaded exactly like the API, it shows how many requests a second the
// load generator and Node's HTTP layer reach on this machine with no API work at all.
import { spawn } from 'node:child_process';
import { freePort } from '../devstack/processes';
import { BENCH_API_TOKEN, type BenchApi } from './stack';

// Plain JavaScript so the child starts without a loader; keep-alive as Node's server defaults.
const SERVER = `
const http = require('node:http');
const answer = JSON.stringify({ modelVersion: 0, predictions: [{ clickProbability: 0.5 }] });
http.createServer((request, response) => {
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', () => {
    JSON.parse(Buffer.concat(chunks).toString('utf8'));
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(answer) });
    response.end(answer);
  });
}).listen(Number(process.env.PORT), '127.0.0.1', () => process.stdout.write('listening\\n'));
`;

export interface TrivialEndpoint extends BenchApi {
  pid: number;
  stop(): void;
}

export async function startTrivialEndpoint(): Promise<TrivialEndpoint> {
  const port = await freePort();
  const child = spawn(process.execPath, ['-e', SERVER], { env: { ...process.env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'inherit'] });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  await new Promise<void>((resolve, reject) => {
    child.stdout.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`the trivial endpoint exited with ${code}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    token: BENCH_API_TOKEN,
    pid: child.pid!,
    stop() {
      process.off('exit', killOnExit);
      child.kill('SIGTERM');
    },
  };
}
