// A tiny but real click model in a real registry: a transform fitted on synthetic examples of the
// default spec, the real architecture with untrained weights, saved, registered and (optionally)
// promoted, plus a real PNG ad image and a valid prediction instance.
import { randomUUID } from 'node:crypto';
import sharp from 'sharp';
import { defaultFeatureSpec } from '../../core/features/default-spec';
import type { Example } from '../../core/features/example';
import { TransformFitter } from '../../core/features/transform';
import { Random } from '../../core/random';
import { buildClickModel, wakeDeepPart } from '../../core/model/architecture';
import { saveClickModel } from '../../core/model/model-files';
import type { ModelRegistry } from '../../core/registry/model-registry';
import type { ModelVersion } from '../../core/registry/types';
import type { BlobStore } from '../../core/storage/blob-store';
import { loadedBackend } from '../../core/tf/backend';

export const TINY_MONTH = '2026-10';
export const imageKey = (ad: number) => `raw/${TINY_MONTH}/images/ad-${String(ad).padStart(5, '0')}.png`;
/** The one image putTestImage writes by default. */
export const TEST_IMAGE_KEY = imageKey(1);

const CATEGORIES = ['travel', 'retail', 'finance', 'games'];
const PLACEMENTS = ['feed', 'sidebar', 'search'];
const DEVICES = ['mobile', 'desktop', 'tablet'];

/** A prediction instance for the default spec; override or blank any field. */
export function tinyInstance(overrides: Record<string, string | number | null> = {}): Record<string, string | number | null> {
  return {
    timestamp: '2026-10-14T09:30:00Z',
    ad_id: 'ad-00001',
    advertiser: 'advertiser-1',
    ad_category: 'travel',
    placement: 'feed',
    device: 'mobile',
    region: 'region-3',
    user_interest: 'travel',
    hour_of_day: 9,
    user_age: 34,
    user_sessions_30d: 12,
    user_past_clicks_30d: 3,
    headline: 'Cheap flights to Lisbon',
    image_path: TEST_IMAGE_KEY,
    ...overrides,
  };
}

function syntheticExamples(count: number): Example[] {
  const random = new Random(12345);
  const next = () => random.next();
  const pick = <T>(values: T[]) => values[Math.floor(next() * values.length)]!;
  return Array.from({ length: count }, (_, i) => {
    const ad = 1 + (i % 20);
    return {
      t: Date.UTC(2026, 9, 1 + (i % 28), i % 24),
      y: next() < 0.1 ? 1 : 0,
      f: {
        ad_id: `ad-${String(ad).padStart(5, '0')}`,
        advertiser: `advertiser-${ad % 7}`,
        ad_category: pick(CATEGORIES),
        placement: pick(PLACEMENTS),
        device: pick(DEVICES),
        region: `region-${Math.floor(next() * 10)}`,
        user_interest: pick(CATEGORIES),
        hour_of_day: i % 24,
        user_age: 18 + Math.floor(next() * 60),
        user_sessions_30d: Math.floor(next() * 200),
        user_past_clicks_30d: next() < 0.2 ? null : Math.floor(next() * 20),
        headline: `${pick(['cheap', 'new', 'best'])} ${pick(CATEGORIES)} deals today`,
        image_path: imageKey(ad),
      },
    };
  });
}

/** Saves a freshly initialised model under a new prefix, registers it, and promotes it unless told not to. */
export async function registerTinyModel(
  store: BlobStore,
  registry: ModelRegistry,
  options: { promote?: boolean; reason?: string; seed?: number } = {},
): Promise<ModelVersion> {
  const fitter = new TransformFitter(defaultFeatureSpec);
  const examples = syntheticExamples(300);
  for (const example of examples) fitter.add(example);
  const transform = fitter.fit(TINY_MONTH);
  const baseRate = Math.max(examples.filter((e) => e.y === 1).length / examples.length, 0.01);
  const model = buildClickModel(transform, baseRate);
  // Untrained, the linear part is all zeros: wake the deep part so predictions depend on the inputs.
  // A different seed: a model that predicts other numbers for the same instances.
  wakeDeepPart(model, options.seed ?? 1);
  const prefix = `artifacts/tiny/${randomUUID()}/model`;
  try {
    const card = { trainedOn: TINY_MONTH, baseRate, backend: loadedBackend() ?? 'unknown', epochs: 0, bestEpoch: 0, validationLoss: 0 };
    const names = await saveClickModel(store, prefix, { model, transform, spec: defaultFeatureSpec, card });
    const registered = await registry.register({
      files: names.map((name) => ({ name, sourceKey: `${prefix}/${name}` })),
      metadata: {
        dataMonth: TINY_MONTH,
        specName: defaultFeatureSpec.name,
        metrics: {},
        codeVersion: 'test',
        lineage: { artifacts: { model: `${store.url}/${prefix}` } },
      },
      actor: 'test',
    });
    if (options.promote !== false) await registry.promote(registered.version, { reason: options.reason ?? 'tiny test model', actor: 'test' });
    return registered;
  } finally {
    model.head.dispose();
    model.imageTower?.dispose();
  }
}

/** A real 64×64 PNG banner in the bucket. */
export async function putTestImage(store: BlobStore, key = TEST_IMAGE_KEY): Promise<string> {
  const png = await sharp({ create: { width: 64, height: 64, channels: 3, background: { r: 220, g: 60, b: 40 } } })
    .png()
    .toBuffer();
  await store.put(key, png, { contentType: 'image/png' });
  return key;
}
