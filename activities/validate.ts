// Validate (TFX StatisticsGen + SchemaGen + ExampleValidator): statistics of the month's examples,
// a schema inferred the first time and then kept and versioned, anomalies against it and drift
// against last month. Blocking anomalies fail the run before training, with a readable report.
import { ApplicationFailure, log } from '@temporalio/activity';
import { throttledHeartbeat } from '../core/temporal/heartbeats';
import { getJson, getJsonIfExists, putJson, type BlobStore } from '../core/storage/blob-store';
import { parseFeatureSpec } from '../core/features/spec';
import { addMonths } from '../core/features/month';
import type { ImageIndex } from '../core/features/image-index';
import { monthData, readExampleBatches, type MonthData } from '../core/pipeline/examples';
import { monthArtifacts, schemaKeys } from '../core/pipeline/layout';
import {
  detectAnomalies,
  formatReport,
  inferSchema,
  parseSchema,
  parseStatistics,
  StatisticsAccumulator,
  withImageChecks,
  type FeatureStatistics,
  type Schema,
  type ValidationThresholds,
} from '../core/validation';

export interface ValidationSummary {
  statisticsKey: string;
  reportKey: string;
  schemaVersion: number;
  schemaInferred: boolean;
  examples: number;
  warnings: string[];
  driftComparedWith: string | null;
}

export function createValidationActivities(deps: { store: BlobStore }) {
  const { store } = deps;

  async function currentSchema(): Promise<Schema | undefined> {
    const pointer = await getJsonIfExists<{ version: number }>(store, schemaKeys.current);
    return pointer ? parseSchema(await getJson(store, schemaKeys.version(pointer.version))) : undefined;
  }

  async function saveSchema(schema: Schema): Promise<void> {
    await putJson(store, schemaKeys.version(schema.version), schema);
    await putJson(store, schemaKeys.current, { version: schema.version, inferredFrom: schema.inferredFrom, specName: schema.specName });
  }

  return {
    async validateMonth(input: { month: string; specKey: string; thresholds: ValidationThresholds; ingested?: MonthData }): Promise<ValidationSummary> {
      const spec = parseFeatureSpec(await getJson(store, input.specKey));
      const keys = monthArtifacts(input.month);
      let schema = await currentSchema();
      // A new spec is a new contract: its schema is inferred afresh, as the next version.
      const inferNow = !schema || schema.specName !== spec.name;

      const accumulator = new StatisticsAccumulator(spec, { binsFrom: inferNow ? undefined : schema });
      let seen = 0;
      const { examples } = await monthData(store, input.month, input.ingested);
      const beat = throttledHeartbeat();
      for await (const batch of readExampleBatches(store, examples)) {
        for (const example of batch) {
          accumulator.add(example);
          if (++seen % 1000 === 0) beat({ rows: seen });
        }
      }
      let stats: FeatureStatistics = accumulator.result();
      const images = await getJsonIfExists<ImageIndex>(store, keys.imageIndex);
      if (images) stats = withImageChecks(stats, { ok: images.checks.ok, missing: images.checks.missing, corrupt: images.checks.corrupt });

      if (inferNow) {
        schema = { ...inferSchema(spec, stats), version: (schema?.version ?? 0) + 1, inferredFrom: input.month };
        await saveSchema(schema);
        log.info('schema inferred', { version: schema.version, month: input.month });
      }
      const previousMonth = addMonths(input.month, -1);
      const previousJson = await getJsonIfExists<unknown>(store, monthArtifacts(previousMonth).statistics);
      const previous = previousJson ? parseStatistics(previousJson) : undefined;
      const report = detectAnomalies({ spec, schema: schema!, stats, previous, thresholds: input.thresholds });

      await putJson(store, keys.statistics, stats);
      await putJson(store, keys.validationReport, {
        month: input.month,
        schemaVersion: schema!.version,
        comparedWith: previous ? previousMonth : null,
        ...report,
      });
      if (!report.passed) {
        throw ApplicationFailure.nonRetryable(`Validation of ${input.month} found blocking anomalies:\n${formatReport(report)}`, 'BlockingAnomalies', {
          reportKey: keys.validationReport,
        });
      }
      log.info('validated', { month: input.month, warnings: report.warnings.length, drift: report.drift.length });
      return {
        statisticsKey: keys.statistics,
        reportKey: keys.validationReport,
        schemaVersion: schema!.version,
        schemaInferred: inferNow,
        examples: stats.examples,
        warnings: report.warnings.map((w) => w.message),
        driftComparedWith: previous ? previousMonth : null,
      };
    },
  };
}
