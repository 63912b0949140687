// The feature spec of the shop generator's columns, written with each month as raw/<month>/spec.json.
import { parseFeatureSpec } from '../features/spec';

export const shopFeatureSpec = parseFeatureSpec({
  name: 'shop-events',
  columns: [
    { name: 'event_id', role: 'id' },
    { name: 'event_time', role: 'timestamp' },
    { name: 'is_click', role: 'label' },
    { name: 'campaign_id', role: 'categorical', vocabularySize: 5000 },
    { name: 'merchant', role: 'categorical', hashBuckets: 1024 },
    { name: 'product_type', role: 'categorical', vocabularySize: 16 },
    { name: 'site', role: 'categorical', vocabularySize: 64 },
    { name: 'page_category', role: 'categorical', vocabularySize: 16 },
    { name: 'slot_size', role: 'categorical', vocabularySize: 16 },
    { name: 'os', role: 'categorical', vocabularySize: 8 },
    { name: 'browser', role: 'categorical', vocabularySize: 8 },
    { name: 'country', role: 'categorical', vocabularySize: 32 },
    { name: 'user_segment', role: 'categorical', vocabularySize: 8 },
    { name: 'visit_depth', role: 'numeric', min: 1, max: 1000 },
    // Empty on a first visit.
    { name: 'hours_since_last_visit', role: 'numeric', min: 0, max: 8760, required: false },
    { name: 'cart_items', role: 'numeric', min: 0, max: 100 },
    { name: 'item_price', role: 'numeric', min: 0, max: 100_000 },
    { name: 'discount_pct', role: 'numeric', min: 0, max: 100 },
    { name: 'ad_title', role: 'text', maxTokens: 12, vocabularySize: 1000 },
    { name: 'creative', role: 'image', size: 32 },
  ],
  slices: ['slot_size', 'os', 'product_type'],
});

export const shopSpecKey = (month: string) => `raw/${month}/spec.json`;
