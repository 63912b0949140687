// Custom search attributes, so engineers can filter runs in the Temporal UI by month, stage and model.
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const AdMonth = defineSearchAttributeKey('AdMonth', SearchAttributeType.KEYWORD);
export const PipelineStage = defineSearchAttributeKey('PipelineStage', SearchAttributeType.KEYWORD);
export const ModelVersion = defineSearchAttributeKey('ModelVersion', SearchAttributeType.KEYWORD);

export const customSearchAttributes = [AdMonth, PipelineStage, ModelVersion];

/** `temporal server start-dev` flags that register them on a dev server. */
export function searchAttributeFlags(): string[] {
  return customSearchAttributes.flatMap((key) => ['--search-attribute', `${key.name}=Keyword`]);
}
