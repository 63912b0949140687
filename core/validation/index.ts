// Data validation (TFX StatisticsGen, SchemaGen and ExampleValidator): pure functions over examples
// and their statistics; the activities do the I/O.
export { StatisticsAccumulator, histogramEdgesFor, DEFAULT_MAX_DISTINCT, DEFAULT_NUMERIC_BINS, type StatisticsOptions } from './accumulator';
export { mergeStatistics, withImageChecks } from './merge';
export {
  parseStatistics,
  categoricalFrequencies,
  statisticsFormat,
  type FeatureStatistics,
  type ColumnStatistics,
  type NumericStatistics,
  type CategoricalStatistics,
  type TextStatistics,
  type ImageStatistics,
  type ImageChecks,
} from './statistics';
export { parseSchema, schemaFormat, type Schema, type FeatureSchema } from './schema';
export { inferSchema, defaultSchemaInferenceOptions, type SchemaInferenceOptions } from './infer-schema';
export { detectAnomalies, type DetectAnomaliesInput } from './anomalies';
export { defaultValidationThresholds, type ValidationThresholds } from './thresholds';
export { formatReport, type Anomaly, type AnomalyKind, type DriftMeasurement, type Severity, type ValidationReport } from './report';
export { jensenShannonDivergence, lInfinityDistance } from './divergence';
export { DEFAULT_EDGES, type Histogram } from './histogram';
