// Benchmark (not a test): for each generator and size, the monthly pipeline on month M through real
// Temporal and workers, then oracle, logistic regression and the model served by the REST API, on M's
// evaluation holdout and on cold start (M+1's rows whose ad M never showed). Prints a table.
// usage: tsx bench/model-quality.ts [--sizes 200000,1000000] [--generators adclick,shop] [--month 2026-10] [--ads 2000]
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { GENERATORS, GENERATOR_NAMES, isGeneratorName } from '../core/generators';
import { qualityTable, runNotes } from './quality-table';
import { runQuality, type QualityRun } from './quality-run';
import { startBenchTemporal } from './stack';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '200000' },
    generators: { type: 'string', default: GENERATOR_NAMES.join(',') },
    month: { type: 'string', default: '2026-10' },
    ads: { type: 'string', default: '2000' },
  },
});
const sizes = values.sizes!.split(',').map(Number);
const generators = values.generators!.split(',');
if (sizes.some((size) => !Number.isInteger(size) || size < 1000)) throw new Error(`--sizes must be whole numbers of at least 1000, got ${values.sizes}`);
const unknown = generators.filter((name) => !isGeneratorName(name));
if (unknown.length > 0) throw new Error(`unknown generator(s) ${unknown.join(', ')}; choose from ${GENERATOR_NAMES.join(', ')}`);

const started = performance.now();
const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'adclick-model-quality-'));
const temporal = await startBenchTemporal(dir);
const runs: QualityRun[] = [];
try {
  for (const name of generators.filter(isGeneratorName)) {
    for (const impressions of sizes) {
      const bucketDir = path.join(dir, `${name}-${impressions}`);
      runs.push(await runQuality({ temporal, generator: GENERATORS[name], impressions, ads: Number(values.ads), month: values.month!, bucketDir }));
      // A 1M-row month with its artifacts is large; only the numbers are kept.
      await fs.rm(bucketDir, { recursive: true, force: true });
    }
  }
} finally {
  await temporal.stop();
  await fs.rm(dir, { recursive: true, force: true });
}
console.log(`\n== model quality: ${values.month} and the month after, ${values.ads} ads a month, ${os.cpus().length} cores ==`);
console.log("AUC, log loss and calibration (mean predicted / observed) of: model, the pipeline's candidate served by POST /v1/predict;");
console.log('LR, the logistic-regression baseline the run trained on the same encoded features and days; oracle, the true p.');
console.log("holdout: M's last HOLDOUT_DAYS days, rows the pipeline accepted; cold start: M+1's rows whose ad M never showed; known ads: M+1's other rows.");
console.log(qualityTable(runs));
console.log(runNotes(runs));
console.log(`whole benchmark: ${((performance.now() - started) / 1000).toFixed(0)} s`);
