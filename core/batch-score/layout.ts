// A batch-scoring job is named by the folder it scores and the model version it scores with; its
// workflow id and its output folder both derive from that pair. Pure: the workflow and the API use it.
import { isMonth } from '../features/month';
import { rawPrefix } from '../pipeline/layout';

const pad = (n: number) => String(n).padStart(5, '0');

/** Every output lives under here, mirroring the scored folder's path. */
export const SCORES_ROOT = 'scores/';

// Folder names of letters, digits, . _ - (no leading dot, so no '..'; no '~', which the workflow id uses for '/').
const SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;
const MAX_PREFIX_CHARS = 300;

/** The folder a job scores, ending in '/': a month's raw/<month>/, or a prefix given as it is. Throws a readable message when it cannot be one. */
export function scoringPrefix(input: { month?: string; prefix?: string }): string {
  if (input.month !== undefined) {
    if (!isMonth(input.month)) throw new Error(`month must be YYYY-MM: ${JSON.stringify(input.month)}`);
    return rawPrefix(input.month);
  }
  const prefix = (input.prefix ?? '').replace(/\/?$/, '/');
  if (prefix.length > MAX_PREFIX_CHARS) throw new Error(`prefix is longer than ${MAX_PREFIX_CHARS} characters`);
  const segments = prefix.slice(0, -1).split('/');
  if (!segments.every((segment) => SEGMENT.test(segment)))
    throw new Error(`prefix must be folder names of letters, digits, . _ - separated by / (no leading / or dot): ${JSON.stringify(input.prefix)}`);
  if (prefix.startsWith(SCORES_ROOT)) throw new Error(`prefix ${JSON.stringify(prefix)} is under ${SCORES_ROOT}, where batch scores are written`);
  return prefix;
}

/** One id per (folder, version): starting the same job twice gives one run. */
export const batchScoreWorkflowId = (prefix: string, version: number) => `batch-score-v${version}-${prefix.slice(0, -1).replaceAll('/', '~')}`;

export const BATCH_SCORE_ID_PATTERN = /^batch-score-v[1-9]\d*-[A-Za-z0-9._~-]+$/;

/** The name of a part output inside its file's folder. */
export const PART_OUTPUT = /^part-\d{5}\.(csv|quarantine\.jsonl|json)$/;

export function batchScoreKeys(prefix: string, version: number) {
  const root = `${SCORES_ROOT}${prefix}v${version}/`;
  const relative = (source: string) => source.slice(prefix.length);
  return {
    root,
    summary: `${root}summary.json`,
    /** Parts cut from big files; removed when the job finishes. */
    splitPrefix: `${root}_split/`,
    splitPart: (source: string, part: number) => `${root}_split/${relative(source)}/part-${pad(part)}.csv`,
    /** Where a source file's part outputs go. */
    partDir: (source: string) => `${root}${relative(source)}/`,
    /** One part's outputs; its counts object is written last, so its presence means the part is whole. */
    part: (source: string, part: number) => {
      const base = `${root}${relative(source)}/part-${pad(part)}`;
      return { predictions: `${base}.csv`, quarantine: `${base}.quarantine.jsonl`, counts: `${base}.json` };
    },
  };
}
