// Promote (TFX Pusher): register the candidate in the bucket's model registry, then make it the
// champion if it was blessed (an atomic alias change), or record it as rejected with the reasons.
import { ApplicationFailure, log } from '@temporalio/activity';
import { getJson, listAll, type BlobStore } from '../core/storage/blob-store';
import type { FeatureSpec } from '../core/features/spec';
import { ModelRegistry } from '../core/registry/model-registry';
import { ConcurrentPromotionError } from '../core/registry/errors';
import type { EvaluationSummary } from './evaluate';

export interface PromoteInput {
  month: string;
  modelPrefix: string;
  /** The model's files, relative to modelPrefix, as training wrote them (older runs: listed). */
  modelFiles?: string[];
  evaluation: EvaluationSummary;
  training: Record<string, unknown>;
  codeVersion: string;
  lineage: { workflowId: string; runId: string } & Record<string, string>;
}

export interface PromotionDecision {
  version: number;
  /** kept: blessed, but the champion was trained on a later month, so it keeps serving. */
  outcome: 'promoted' | 'rejected' | 'kept';
  reasons: string[];
  previousChampion: number | null;
}

export function createPromotionActivities(deps: { store: BlobStore }) {
  const { store } = deps;
  return {
    async registerAndDecide(input: PromoteInput): Promise<PromotionDecision> {
      const registry = new ModelRegistry(store);
      const names = input.modelFiles ?? (await listAll(store, `${input.modelPrefix}/`)).map((b) => b.key.slice(input.modelPrefix.length + 1));
      const files = names.map((name) => ({ name, sourceKey: `${input.modelPrefix}/${name}` }));
      const spec = await getJson<FeatureSpec>(store, `${input.modelPrefix}/spec.json`);
      const { evaluation } = input;
      const comparedAgainst = evaluation.champion?.version ?? null;
      const registered = await registry.register({
        files,
        idempotencyKey: `${input.lineage.workflowId}/${input.lineage.runId}`,
        metadata: {
          dataMonth: input.month,
          specName: spec.name,
          metrics: {
            candidate: evaluation.candidate,
            champion: evaluation.champion ?? null,
            baseline: evaluation.baseline ?? null,
            holdoutRows: evaluation.holdoutRows,
            training: input.training,
          },
          codeVersion: input.codeVersion,
          lineage: {
            ...input.lineage,
            comparedAgainst,
            parentVersion: comparedAgainst,
            artifacts: { model: `${store.url}/${input.modelPrefix}`, evaluation: `${store.url}/${evaluation.evaluationKey}` },
          },
        },
      });
      if (!evaluation.blessing.blessed) {
        await registry.reject(registered.version, evaluation.blessing.reasons);
        log.info('candidate rejected', { version: registered.version, reasons: evaluation.blessing.reasons });
        return { version: registered.version, outcome: 'rejected', reasons: evaluation.blessing.reasons, previousChampion: comparedAgainst };
      }
      // A backfill of an older month must not roll serving back from a model of newer data.
      const champion = comparedAgainst === null ? undefined : await registry.get(comparedAgainst);
      const championMonth = champion?.metadata.dataMonth;
      if (championMonth !== undefined && input.month < championMonth) {
        const reason =
          `trained on ${input.month}, older than the champion v${comparedAgainst}'s ${championMonth}: ` +
          `kept v${comparedAgainst}; promote v${registered.version} by hand to serve it anyway`;
        log.info('candidate kept out: older data than the champion', {
          version: registered.version,
          champion: comparedAgainst,
          month: input.month,
          championMonth,
        });
        return { version: registered.version, outcome: 'kept', reasons: [reason], previousChampion: comparedAgainst };
      }
      try {
        const reason =
          comparedAgainst === null ? `first champion, trained on ${input.month}` : `beat or matched v${comparedAgainst} on ${input.month}'s holdout`;
        await registry.promote(registered.version, { reason, expectedCurrent: comparedAgainst });
      } catch (error) {
        // Someone else changed the champion after we evaluated against it: our comparison is stale.
        if (error instanceof ConcurrentPromotionError) throw ApplicationFailure.nonRetryable(error.message, 'ConcurrentPromotion');
        throw error;
      }
      log.info('candidate promoted', { version: registered.version, previous: comparedAgainst });
      return { version: registered.version, outcome: 'promoted', reasons: [], previousChampion: comparedAgainst };
    },
  };
}
