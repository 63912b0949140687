// Benchmark (not a test): a month's distinct images decoded by the image activities, at several image
// counts, each mode in its own process so its peak RSS is its own:
//   single  the one-activity version (runs before image parts): every image decoded into one table
//   parts   image parts (8 in flight, as the workflow runs them) into pixel shards, with an empty cache
//   cached  the same files referenced by the next month: every image comes from the content cache
// It prints images/s and peak RSS per mode and count, parts ÷ single, and RSS growth between counts.
// usage: tsx bench/image-scale.ts [--images 10000,100000] [--modes single,parts,cached] [--gc]  (--gc: collect garbage after each part, to tell
// live memory from garbage the collector had not yet reclaimed)
import { spawnSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import sharp from 'sharp';
import { createImageActivities } from '../activities/images';
import { createImagePartActivities, type ImagePartResult } from '../activities/image-parts';
import { forEachConcurrently } from '../core/concurrency';
import { defaultFeatureSpec } from '../core/features/default-spec';
import { monthArtifacts } from '../core/pipeline/layout';
import { putJson } from '../core/storage/blob-store';
import { LocalStore } from '../core/storage/local-store';

const MONTHS = { first: '2026-01', next: '2026-02' };
const SPEC_KEY = 'spec.json';
const REFS_PER_FILE = 10_000;
const PARTS_IN_FLIGHT = 8;
type Mode = 'single' | 'parts' | 'cached';

interface Measured {
  mode: Mode;
  images: number;
  seconds: number;
  decoded: number;
  peakRssMb: number;
}

const arg = (name: string) => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? process.argv[at + 1] : undefined;
};

if (arg('child')) {
  console.log(JSON.stringify(await measure(arg('child') as Mode, arg('dir')!, Number(arg('count')))));
} else {
  await main();
}

async function main() {
  const counts = (arg('images') ?? '10000,100000').split(',').map(Number);
  const modes = (arg('modes') ?? 'single,parts,cached').split(',') as Mode[];
  const results: Measured[] = [];
  for (const count of counts) {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'adclick-image-scale-'));
    try {
      const started = performance.now();
      await writeImages(new LocalStore(dir), count);
      console.log(`${count} distinct images written in ${((performance.now() - started) / 1000).toFixed(0)} s`);
      for (const mode of modes) {
        const gc = process.argv.includes('--gc') ? ['--expose-gc'] : [];
        const child = spawnSync(process.execPath, [...gc, '--import', 'tsx', import.meta.filename, '--child', mode, '--dir', dir, '--count', String(count)], {
          encoding: 'utf8',
          maxBuffer: 64 * 1024 * 1024,
        });
        const line = child.stdout.trim().split('\n').at(-1) ?? '';
        if (child.status !== 0 || !line.startsWith('{')) throw new Error(`${mode} at ${count} failed:\n${child.stderr.slice(-3000)}`);
        const measured = JSON.parse(line) as Measured;
        results.push(measured);
        const rate = `${(count / measured.seconds).toFixed(0)} images/s, decoded ${measured.decoded}`;
        console.log(`${mode.padEnd(6)} ${count} images: ${rate}, peak RSS ${measured.peakRssMb.toFixed(0)} MB (load ${os.loadavg()[0]!.toFixed(1)})`);
      }
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  }
  const at = (mode: Mode, count: number) => results.find((r) => r.mode === mode && r.images === count)!;
  printGrowth(counts, modes, at);
  if (modes.length < 3) return;
  console.log('\nimages   parts÷single speed   cached÷single speed   peak RSS single / parts / cached (MB)');
  for (const count of counts) {
    const [single, parts, cached] = [at('single', count), at('parts', count), at('cached', count)];
    const speeds = `${(single.seconds / parts.seconds).toFixed(2).padEnd(20)} ${(single.seconds / cached.seconds).toFixed(2).padEnd(21)}`;
    const peaks = [single, parts, cached].map((m) => m.peakRssMb.toFixed(0)).join(' / ');
    console.log(`${String(count).padEnd(8)} ${speeds} ${peaks}`);
  }
}

function printGrowth(counts: number[], modes: Mode[], at: (mode: Mode, count: number) => Measured) {
  if (counts.length > 1) {
    const [low, high] = [counts[0]!, counts.at(-1)!];
    for (const mode of modes) {
      console.log(`peak RSS ${mode} at ${high} ÷ at ${low} images: ${(at(mode, high).peakRssMb / at(mode, low).peakRssMb).toFixed(2)}`);
    }
  }
}

/** count distinct 48×48 noise JPEGs, referenced by both months, and the default spec. */
async function writeImages(store: LocalStore, count: number) {
  const keys = Array.from({ length: count }, (_, i) => `raw/${MONTHS.first}/images/img-${String(i).padStart(7, '0')}.jpg`);
  await forEachConcurrently(keys, 16, async (key) => {
    const noise = Buffer.alloc(48 * 48 * 3);
    for (let i = 0; i < noise.length; i++) noise[i] = Math.floor(Math.random() * 256);
    await store.put(
      key,
      await sharp(noise, { raw: { width: 48, height: 48, channels: 3 } })
        .jpeg({ quality: 80 })
        .toBuffer(),
    );
  });
  await putJson(store, SPEC_KEY, defaultFeatureSpec);
  for (const month of Object.values(MONTHS)) {
    for (let file = 0; file * REFS_PER_FILE < count; file++) {
      await putJson(store, monthArtifacts(month).imageRefs(file), keys.slice(file * REFS_PER_FILE, (file + 1) * REFS_PER_FILE));
    }
  }
}

async function measure(mode: Mode, dir: string, count: number): Promise<Measured> {
  const store = new LocalStore(dir);
  const run = <A extends unknown[], R>(fn: (...args: A) => Promise<R>, ...args: A): Promise<R> => new MockActivityEnvironment().run(fn, ...args) as Promise<R>;
  const started = performance.now();
  let decoded = 0;
  if (mode === 'single') {
    const summary = await run(createImageActivities({ store }).processImages, { month: MONTHS.first, specKey: SPEC_KEY });
    decoded = summary?.ok ?? 0;
  } else {
    const activities = createImagePartActivities({ store });
    const month = mode === 'parts' ? MONTHS.first : MONTHS.next;
    const plan = (await run(activities.planImages, { month, specKey: SPEC_KEY, imagesPerPart: 4096 }))!;
    const parts = Array.from({ length: plan.parts }, (_, part) => part);
    const results: ImagePartResult[] = [];
    await forEachConcurrently(parts, PARTS_IN_FLIGHT, async (part) => {
      results.push(await run(activities.processImagePart, { month, part, size: plan.size }));
      (globalThis as { gc?: () => void }).gc?.();
    });
    await run(activities.indexImages, { month, size: plan.size, parts: plan.parts });
    decoded = results.reduce((total, r) => total + r.decoded, 0);
  }
  const seconds = (performance.now() - started) / 1000;
  return { mode, images: count, seconds, decoded, peakRssMb: process.resourceUsage().maxRSS / 1024 };
}
