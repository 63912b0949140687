// The spec of the data the generator writes, and the default for buckets that carry none.
import { parseFeatureSpec } from './spec';

export const defaultFeatureSpec = parseFeatureSpec({
  name: 'adclick-default',
  columns: [
    { name: 'impression_id', role: 'id' },
    { name: 'timestamp', role: 'timestamp' },
    { name: 'ad_id', role: 'categorical', vocabularySize: 5000 },
    { name: 'advertiser', role: 'categorical', hashBuckets: 512 },
    { name: 'ad_category', role: 'categorical', vocabularySize: 32 },
    { name: 'placement', role: 'categorical', vocabularySize: 16 },
    { name: 'device', role: 'categorical', vocabularySize: 8 },
    { name: 'region', role: 'categorical', vocabularySize: 64 },
    { name: 'user_interest', role: 'categorical', vocabularySize: 32 },
    { name: 'hour_of_day', role: 'numeric', min: 0, max: 23 },
    { name: 'user_age', role: 'numeric', min: 13, max: 100 },
    { name: 'user_sessions_30d', role: 'numeric', min: 0, max: 10_000 },
    { name: 'user_past_clicks_30d', role: 'numeric', min: 0, max: 10_000, required: false },
    { name: 'headline', role: 'text', maxTokens: 10, vocabularySize: 1000 },
    { name: 'image_path', role: 'image', size: 32 },
    { name: 'clicked', role: 'label' },
  ],
  slices: ['placement', 'device', 'ad_category'],
});
