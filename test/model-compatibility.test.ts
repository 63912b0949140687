// A champion trained by an earlier release (a8f41e1: one input per categorical column, no numeric
// buckets, no calibration) still loads and predicts exactly as it did, so upgrading the workers and the
// API never strands the model that is serving. The fixture was saved and scored by that release's code.
import fs from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { expect, it } from 'vitest';
import { parseRow } from '../core/features/parse-row';
import { parseFeatureSpec } from '../core/features/spec';
import { decodeAdImage } from '../core/features/image';
import { Encoder } from '../core/features/transform';
import { loadClickModel } from '../core/model/model-files';
import { predictExamples } from '../core/model/predict';
import { LocalStore } from '../core/storage/local-store';

const FIXTURE = path.join(import.meta.dirname, 'fixtures', 'models', 'release-a8f41e1');

it('predicts with a model saved by the previous release exactly as that release did', async () => {
  const expected = JSON.parse(await fs.readFile(path.join(FIXTURE, 'expected-predictions.json'), 'utf8')) as {
    instances: Record<string, string | number | null>[];
    probabilities: number[];
  };
  const loaded = await loadClickModel(new LocalStore(FIXTURE), 'model');
  expect(loaded.model.head.inputNames).toContain('cat_ad_id');
  expect(loaded.model.calibration).toBeUndefined();
  const spec = parseFeatureSpec(loaded.spec);
  const examples = expected.instances.map((instance) => {
    const row = parseRow(spec, instance, { requireLabel: false, resolveImage: (key) => key });
    if (!row.ok) throw new Error(row.reason);
    return row.example;
  });
  const png = await sharp({ create: { width: 64, height: 64, channels: 3, background: { r: 220, g: 60, b: 40 } } })
    .png()
    .toBuffer();
  const pixels = await decodeAdImage(png, loaded.transform.image!.size);
  const probabilities = predictExamples(
    loaded.model,
    new Encoder(loaded.transform),
    examples,
    (key) => (key === 'raw/2026-10/images/red.png' ? 0 : -1),
    () => pixels,
  );
  expect(Array.from(probabilities).map((p) => Number(p.toFixed(5)))).toEqual(expected.probabilities.map((p) => Number(p.toFixed(5))));
});
