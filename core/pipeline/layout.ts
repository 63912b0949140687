// Where everything lives in the bucket. The data contract is raw/<month>/; everything the pipeline
// writes for a month is under artifacts/<month>/, so a re-run overwrites its own outputs only.
const pad = (n: number) => String(n).padStart(5, '0');

export const specKeys = (month: string) => [`raw/${month}/spec.json`, 'spec.json'];
export const rawPrefix = (month: string) => `raw/${month}/`;
/** The impression files of a folder: CSV, plain or gzipped. */
export const isCsvKey = (key: string) => /\.csv(\.gz)?$/i.test(key);

export function monthArtifacts(month: string) {
  const root = `artifacts/${month}`;
  return {
    root,
    spec: `${root}/spec.json`,
    examples: (part: number) => `${root}/examples/part-${pad(part)}.jsonl.gz`,
    examplesPrefix: `${root}/examples/`,
    quarantine: (part: number) => `${root}/quarantine/part-${pad(part)}.jsonl`,
    quarantinePrefix: `${root}/quarantine/`,
    duplicatesQuarantine: (part: number) => `${root}/quarantine/part-${pad(part)}-duplicate-ids.jsonl`,
    /** A part's accepted ids that hash to one shard; duplicates are found shard by shard. */
    idList: (shard: number, part: number) => `${root}/ids/shard-${pad(shard)}/part-${pad(part)}.jsonl.gz`,
    /** The rows of one part that one shard found to repeat an earlier id. */
    duplicateIds: (shard: number, part: number) => `${root}/ids/duplicates/part-${pad(part)}/shard-${pad(shard)}.jsonl.gz`,
    imageRefs: (part: number) => `${root}/images/refs-${pad(part)}.json`,
    imageRefsPrefix: `${root}/images/refs-`,
    imageIndex: `${root}/images/index.json`,
    /** The single pixel table of runs before images were processed in parts. */
    imagePixels: `${root}/images/pixels.u8`,
    /** Image part n: the keys it decodes (plan), its pixel rows (shard) and what it found (result). */
    imagePlan: (part: number) => `${root}/images/plan-${pad(part)}.json`,
    imagePixelsShard: (part: number) => `${root}/images/pixels-${pad(part)}.u8`,
    imagePixelsShardPrefix: `${root}/images/pixels-`,
    imagePartResult: (part: number) => `${root}/images/part-${pad(part)}.json`,
    splitPart: (file: string, part: number) => `${root}/split/${file.replace(/[^A-Za-z0-9._-]+/g, '_')}/part-${pad(part)}.csv`,
    statistics: `${root}/statistics.json`,
    validationReport: `${root}/validation-report.json`,
    transform: `${root}/transform.json`,
    /** One file per split, as runs before dataset shards wrote it. */
    dataset: (split: 'train' | 'validation') => `${root}/dataset/${split}.bin`,
    datasetManifest: (split: 'train' | 'validation') => `${root}/dataset/${split}.json`,
    datasetShard: (split: 'train' | 'validation', shard: number) => `${root}/dataset/${split}/shard-${pad(shard)}.bin`,
    /** Each tuning trial, and the logistic-regression baseline, trains under its own prefix. */
    training: (run: number | 'baseline') => {
      const prefix = `${root}/train/${run === 'baseline' ? 'baseline' : `trial-${pad(run)}`}`;
      return {
        prefix,
        checkpoint: (epoch: number) => `${prefix}/checkpoints/epoch-${pad(epoch)}.ckpt`,
        progress: `${prefix}/progress.json`,
        model: `${prefix}/model`,
        report: `${prefix}/report.json`,
      };
    },
    evaluation: `${root}/evaluation.json`,
    /** How the models that served the month did on its clicks; the join's partitions go under feedbackWork meanwhile. */
    feedback: `${root}/feedback.json`,
    feedbackWork: `${root}/feedback/`,
    stage: (name: string) => `${root}/stages/${name}.json`,
    /** The run's report for people: one self-contained HTML page. */
    report: `${root}/report.html`,
  };
}

/** Decoded images by content (sha256 of the file) and size, shared by every month: an unchanged ad is decoded once. */
export const imageCacheKeys = (size: number, contentSha256: string) => ({
  pixels: `cache/images/${size}px/${contentSha256}.rgb`,
  unreadable: `cache/images/${size}px/${contentSha256}.unreadable.json`,
});

export const schemaKeys = {
  current: 'schema/current.json',
  version: (version: number) => `schema/versions/${pad(version)}.json`,
};
