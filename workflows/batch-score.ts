// Batch scoring: plan → cut big files into parts → score every part in parallel → summary. The model
// version is fixed in the input (the starter resolves "the champion" once), so every part scores with
// it. A re-run, or a retried part, reuses every part an earlier one wrote whole.
import { defineQuery, setCurrentDetails, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import type { BatchScoreSummary, PartScore } from '../activities/batch-score';
import { AdMonth, ModelVersion } from '../core/temporal/search-attributes';
import { data } from './data-activities';

export interface BatchScoreSettings {
  /** CSVs larger than splitBytes are cut into parts of about rowsPerPart lines first. */
  splitBytes: number;
  rowsPerPart: number;
  maxRecordBytes?: number;
  /** Rows per forward pass. */
  batchRows?: number;
}

export interface BatchScoreInput {
  /** The folder scored, ending in '/' (core/batch-score/layout.ts scoringPrefix). */
  prefix: string;
  version: number;
  settings: BatchScoreSettings;
}

export interface BatchScoreProgress {
  prefix: string;
  version: number;
  stage: 'planning' | 'splitting' | 'scoring' | 'done';
  files: number;
  parts: { total: number; done: number; reused: number };
  rows: { scored: number; quarantined: number };
  summary: BatchScoreSummary | null;
}

export const batchScoreProgressQuery = defineQuery<BatchScoreProgress>('progress');

export async function batchScore(input: BatchScoreInput): Promise<BatchScoreSummary> {
  const { prefix, version, settings } = input;
  const progress: BatchScoreProgress = {
    prefix,
    version,
    stage: 'planning',
    files: 0,
    parts: { total: 0, done: 0, reused: 0 },
    rows: { scored: 0, quarantined: 0 },
    summary: null,
  };
  setHandler(batchScoreProgressQuery, () => progress);
  // A month's folder is findable by AdMonth in the Temporal UI, beside the month's pipeline run.
  const month = /^raw\/(\d{4}-\d{2})\/$/.exec(prefix)?.[1];
  upsertSearchAttributes({ [ModelVersion.name]: [String(version)], ...(month ? { [AdMonth.name]: [month] } : {}) });
  const show = () => setCurrentDetails(describe(progress));
  show();

  const files = await data.planBatchScore({ prefix, version });
  progress.files = files.length;
  progress.stage = 'splitting';
  show();
  const { maxRecordBytes } = settings;
  const perFile = await Promise.all(
    files.map(async (file) => {
      const pieces =
        file.size > settings.splitBytes
          ? await data.splitForScoring({ prefix, version, file: file.key, rowsPerPart: settings.rowsPerPart, maxRecordBytes })
          : [{ key: file.key, source: file.key, firstLine: 2 }];
      return pieces.map((piece, part) => ({ ...piece, part, generation: file.generation, nextFirstLine: pieces[part + 1]?.firstLine ?? null }));
    }),
  );
  const pieces = perFile.flat();
  progress.parts.total = pieces.length;
  progress.stage = 'scoring';
  show();

  const scored = await Promise.all(
    pieces.map(async (piece): Promise<PartScore> => {
      const result = await data.scorePart({
        prefix,
        version,
        file: piece.key,
        source: piece.source,
        sourceGeneration: piece.generation,
        part: piece.part,
        firstLine: piece.firstLine,
        nextFirstLine: piece.nextFirstLine,
        maxRecordBytes,
        batchRows: settings.batchRows,
      });
      progress.parts.done += 1;
      if (result.reused) progress.parts.reused += 1;
      progress.rows.scored += result.scored;
      progress.rows.quarantined += result.quarantined;
      show();
      return result;
    }),
  );
  progress.summary = await data.finishBatchScore({ prefix, version, files: files.length, parts: scored });
  progress.stage = 'done';
  show();
  return progress.summary;
}

function describe(progress: BatchScoreProgress): string {
  const { prefix, version, stage, parts, rows } = progress;
  const reused = parts.reused > 0 ? ` (${parts.reused} reused)` : '';
  return (
    `**Batch score** ${prefix} with v${version}: ${stage}\n\nParts ${parts.done} / ${parts.total}${reused} · rows scored ${rows.scored} · ` +
    `quarantined ${rows.quarantined}`
  );
}
