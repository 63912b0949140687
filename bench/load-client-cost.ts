// Benchmark (not a test): what the load generator itself costs. The bare node:http endpoint of
// predict-batching (the ceiling point) loaded at concurrency 32 by the two clients predict-load has, in
// interleaved rounds: fetch (undici) and http.request over a keep-alive Agent (the baseline, the bench's
// generator). Prints per client the medians of req/s and of the CPU this process (the generator) and
// the endpoint's process spent a request, and fetch ÷ http.request for each; on a 2-core machine the
// generator's CPU is taken from the API it loads.
// usage: tsx bench/load-client-cost.ts [--seconds 5 --rounds 3]
import os from 'node:os';
import { parseArgs } from 'node:util';
import { mixInstance } from './log-cost-bucket';
import { driveFor, type LoadClient } from './predict-load';
import { processCpu } from './process-cpu';
import { loadAverages, median, thousands } from './report-numbers';
import { startTrivialEndpoint } from './trivial-endpoint';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '5' }, rounds: { type: 'string', default: '3' } } });
const seconds = Number(values.seconds);
const rounds = Number(values.rounds);
const CONCURRENCY = 32;
const CLIENTS: LoadClient[] = ['http', 'fetch'];

const body = (request: number) => JSON.stringify({ instances: [mixInstance(request, 0)] });
const endpoint = await startTrivialEndpoint();
console.log(
  `== load generator cost at concurrency ${CONCURRENCY}: ${rounds} rounds of ${seconds} s per client; ` +
    `${os.cpus().length} cores, load average ${loadAverages()} ==`,
);
for (const client of CLIENTS) await driveFor(endpoint, body, CONCURRENCY, 1, client);

const results = new Map(CLIENTS.map((client) => [client, { rate: [] as number[], generator: [] as number[], endpoint: [] as number[] }]));
for (let round = 1; round <= rounds; round++) {
  for (const client of CLIENTS) {
    const mine = process.cpuUsage();
    const theirs = await processCpu(endpoint.pid);
    const run = await driveFor(endpoint, body, CONCURRENCY, seconds, client);
    const used = process.cpuUsage(mine);
    const theirsAfter = await processCpu(endpoint.pid);
    const result = results.get(client)!;
    result.rate.push(run.perSecond);
    result.generator.push((used.user + used.system) / run.requests);
    if (theirs && theirsAfter) result.endpoint.push((theirsAfter.allThreads - theirs.allThreads) / run.requests);
    console.log(
      `round ${round}  ${client.padEnd(5)} ${thousands(run.perSecond).padStart(6)} req/s  ` +
        `CPU µs/request: generator ${result.generator.at(-1)!.toFixed(0).padStart(4)}, ` +
        `endpoint ${(result.endpoint.at(-1) ?? NaN).toFixed(0).padStart(4)}  load average ${loadAverages()}`,
    );
  }
}
console.log(`-- medians of ${rounds} rounds:`);
const of = (client: LoadClient, key: 'rate' | 'generator' | 'endpoint') => median(results.get(client)![key]);
for (const client of CLIENTS)
  console.log(
    `${client.padEnd(5)} ${thousands(of(client, 'rate')).padStart(6)} req/s  ` +
      `CPU µs/request: generator ${of(client, 'generator').toFixed(0)}, endpoint ${of(client, 'endpoint').toFixed(0)}`,
  );
const ratio = (key: 'rate' | 'generator' | 'endpoint') => `${(of('fetch', key) / of('http', key)).toFixed(2)}×`;
console.log(`fetch ÷ http.request: req/s ${ratio('rate')}, generator CPU a request ${ratio('generator')}, endpoint CPU a request ${ratio('endpoint')}`);
console.log(`load average at the end ${loadAverages()}`);
endpoint.stop();
