// Benchmark (not a test): the whole pipeline on a generated month through a real Temporal dev server,
// then holdout AUC against the oracle (the true click probabilities) and a logistic-regression
// baseline on the same split, training throughput and wall time per stage.
// usage: tsx bench/pipeline-benchmark.ts [--impressions 200000] [--ads 2000] [--month 2026-10] [--epochs 8]
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parse } from 'csv-parse/sync';
import { generateMonth } from '../core/datagen/generate-month';
import { auc } from '../core/evaluation/metrics';
import { holdoutStart, listExampleShards, readExamples } from '../core/pipeline/examples';
import { LocalStore } from '../core/storage/local-store';
import type { EvaluationSummary } from '../activities/evaluate';
import type { TrainResult } from '../activities/train';
import { benchConfig, runPipeline, startBenchTemporal } from './stack';

const { values } = parseArgs({
  options: {
    impressions: { type: 'string', default: '200000' },
    ads: { type: 'string', default: '2000' },
    month: { type: 'string', default: '2026-10' },
    epochs: { type: 'string', default: '8' },
  },
});
const month = values.month!;
const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'adclick-bench-'));
const temporal = await startBenchTemporal(dir);
const config = benchConfig(temporal, `${dir}/bucket`, { TRAIN_MAX_EPOCHS: values.epochs! });
const store = new LocalStore(`${dir}/bucket`);

const generateStarted = performance.now();
const generated = await generateMonth(store, { month, impressions: Number(values.impressions), ads: Number(values.ads) });
const generateSeconds = (performance.now() - generateStarted) / 1000;
const { run, seconds: pipelineSeconds } = await runPipeline(config, month, `bench-${month}`);

// Oracle: the true probabilities of the same holdout impressions.
const truth = new Map(
  (parse(await store.get(`truth/${month}/click-probability.csv`), { columns: true }) as { impression_id: string; p: string }[]).map((r) => [
    r.impression_id,
    Number(r.p),
  ]),
);
const split = holdoutStart(month, config.HOLDOUT_DAYS);
const labels: number[] = [];
const oracle: number[] = [];
for await (const example of readExamples(store, await listExampleShards(store, month))) {
  if (example.t < split || example.id === undefined) continue;
  labels.push(example.y);
  oracle.push(truth.get(example.id)!);
}
const evaluation = run.summary.evaluate as EvaluationSummary;
// The logistic-regression baseline the run trained on the same encoded features, scored on the same rows.
const baseline = evaluation.baseline!;
const transformed = run.summary.transform as { trainRows: number; validationRows: number; holdoutRows: number };
const trained = run.summary.train as TrainResult;
const oracleAuc = auc(labels, oracle);
const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
console.log(
  `\n== adclick pipeline benchmark: ${month}, ${generated.impressions} impressions, ${generated.ads} ads, backend ${trained.backend}, ` +
    `${os.cpus().length} cores ==`,
);
console.log(
  `data: generated in ${generateSeconds.toFixed(1)}s; ${transformed.trainRows} train / ${transformed.validationRows} validation / ` +
    `${transformed.holdoutRows} holdout rows (last ${config.HOLDOUT_DAYS} days); observed CTR ${pct(generated.observedCtr)}`,
);
console.log(
  `stage wall time (s): ${Object.entries(run.seconds)
    .map(([stage, s]) => `${stage} ${s!.toFixed(1)}`)
    .join(', ')}; whole run ${pipelineSeconds.toFixed(1)}`,
);
console.log(
  `holdout AUC: model ${evaluation.candidate.auc.toFixed(4)} | oracle ${oracleAuc.toFixed(4)} (model/oracle ` +
    `${(evaluation.candidate.auc / oracleAuc).toFixed(3)}, gap ${(oracleAuc - evaluation.candidate.auc).toFixed(4)}) | logistic regression ` +
    `${baseline.auc.toFixed(4)} (model - LR ${(evaluation.candidate.auc - baseline.auc).toFixed(4)})`,
);
console.log(`holdout log loss: model ${evaluation.candidate.logLoss.toFixed(5)} | logistic regression ${baseline.logLoss.toFixed(5)}`);
console.log(
  `calibration: model predicts ${pct(evaluation.candidate.meanPredicted)} vs observed ${pct(evaluation.candidate.observedRate)} (ratio ` +
    `${evaluation.candidate.calibration.toFixed(3)}); LR ratio ${baseline.calibration.toFixed(3)}`,
);
console.log(
  `training: ${trained.epochs} epochs (best ${trained.bestEpoch}), ${Math.round(trained.examplesPerSecond)} examples/s including per-epoch validation scoring`,
);
console.log(`blessing: ${evaluation.blessing.blessed ? 'blessed' : `rejected: ${evaluation.blessing.reasons.join('; ')}`}`);

await temporal.stop();
await fs.rm(dir, { recursive: true, force: true });
