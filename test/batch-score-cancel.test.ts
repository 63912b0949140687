// A batch-scoring part cancelled while it works stops at once and publishes nothing (no half-written
// predictions, no counts that would mark it whole); its next attempt scores it whole. Real GCS API, real TensorFlow.
import { MockActivityEnvironment } from '@temporalio/testing';
import { CancelledFailure } from '@temporalio/activity';
import { expect, it } from 'vitest';
import { createBatchScoreActivities, type PartScore, type ScorePartInput } from '../activities/batch-score';
import { batchScoreKeys } from '../core/batch-score/layout';
import { ModelRegistry } from '../core/registry/model-registry';
import { freshGcsStore } from './helpers/stack';
import { registerTinyModel, tinyInstance } from './helpers/tiny-model';

it('stops when cancelled, leaves no output behind, and the next attempt scores the part whole', async () => {
  const store = await freshGcsStore();
  const { version } = await registerTinyModel(store, new ModelRegistry(store), { promote: false });
  const columns = [...Object.keys(tinyInstance()), 'impression_id'];
  const rows = Array.from({ length: 3000 }, (_, n) =>
    columns.map((c) => (c === 'impression_id' ? `imp-${n}` : c === 'hour_of_day' ? n % 24 : c === 'image_path' ? '' : tinyInstance()[c])).join(','),
  );
  const prefix = 'incoming/batch-1/';
  const file = `${prefix}rows.csv`;
  await store.put(file, `${columns.join(',')}\n${rows.join('\n')}\n`);
  const { scorePart } = createBatchScoreActivities({ store });
  const input: ScorePartInput = { prefix, version, file, source: file, sourceGeneration: 'g1', part: 0, firstLine: 2, nextFirstLine: null, batchRows: 16 };
  const keys = batchScoreKeys(prefix, version).part(file, 0);

  const cancelled = new MockActivityEnvironment();
  const beats: unknown[] = [];
  cancelled.on('heartbeat', (details: unknown) => {
    beats.push(details);
    cancelled.cancel();
  });
  await expect(cancelled.run(scorePart, input)).rejects.toBeInstanceOf(CancelledFailure);
  expect(beats[0]).toMatchObject({ rows: expect.any(Number), scored: expect.any(Number) });
  for (const key of Object.values(keys)) expect(await store.stat(key), key).toBeUndefined();

  const whole: PartScore = await new MockActivityEnvironment().run(scorePart, input);
  expect(whole).toMatchObject({ rows: 3000, scored: 3000, quarantined: 0, reused: false });
  expect((await store.get(keys.predictions)).toString().trim().split('\r\n')).toHaveLength(3001);
  // Once whole, a further attempt reuses it.
  expect(await new MockActivityEnvironment().run(scorePart, input)).toMatchObject({ ...whole, reused: true });
}, 60_000);
