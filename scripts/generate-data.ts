// Generates one month of ad-impression data into the configured store and prints its summary as JSON.
//   tsx scripts/generate-data.ts --month 2026-10 [--generator adclick|shop] [--impressions N] [--ads N] [--files N] [--gzip]
//     [--seed S] [--catalog-seed S] [--new-ad-share 0.25] [--dirt 0.002] [--drift 0] [--image-format mixed|png|jpeg|webp]
import { parseArgs } from 'node:util';
import { loadConfig } from '../core/config';
import { generateMonth } from '../core/datagen/generate-month';
import { InvalidGenerateOptionsError, parseGenerateMonthOptions, type GenerateMonthOptions } from '../core/datagen/options';
import { GENERATOR_NAMES, isGeneratorName } from '../core/generators';
import { log } from '../core/log';
import { generateShopMonth } from '../core/shop-datagen/generate-shop-month';
import { parseShopMonthOptions, type ShopMonthOptions } from '../core/shop-datagen/options';
import { openStore } from '../core/storage/open-store';

const USAGE = `Usage: tsx scripts/generate-data.ts --month YYYY-MM [--generator ${GENERATOR_NAMES.join('|')} (default adclick)]
  [--impressions 200000] [--ads 2000 (served in the month)] [--files 4] [--gzip] [--seed S]
  [--catalog-seed S (the ads; fixed by default, so months share them)]
  [--new-ad-share 0.25 (share of the month's ads the month before did not serve)]
  adclick only: [--dirt 0.002 (fraction for each kind: malformed rows, out-of-range rows, missing images, corrupt images)]
  [--drift 0 (0..1)] [--image-format mixed|png|jpeg|webp]`;

type Command = { generator: 'adclick'; options: GenerateMonthOptions } | { generator: 'shop'; options: ShopMonthOptions } | 'help';

function numberArg(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed)) throw new Error(`--${name} must be a number, got ${JSON.stringify(value)}`);
  return parsed;
}

/** A numeric seed is used as is; any other text is hashed. */
function seedArg(value: string | undefined): number | string | undefined {
  return value === undefined ? undefined : /^\d+$/.test(value) ? Number(value) : value;
}

function parseCommandLine(args: string[]): Command {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      month: { type: 'string' },
      generator: { type: 'string', default: 'adclick' },
      impressions: { type: 'string' },
      ads: { type: 'string' },
      files: { type: 'string' },
      gzip: { type: 'boolean', default: false },
      dirt: { type: 'string' },
      drift: { type: 'string' },
      seed: { type: 'string' },
      'catalog-seed': { type: 'string' },
      'new-ad-share': { type: 'string' },
      'image-format': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return 'help';
  if (!values.month) throw new Error('--month is required');
  const generator = values.generator!;
  if (!isGeneratorName(generator)) throw new Error(`--generator must be one of ${GENERATOR_NAMES.join(', ')}, got ${JSON.stringify(generator)}`);
  const common = {
    month: values.month,
    impressions: numberArg('impressions', values.impressions),
    ads: numberArg('ads', values.ads),
    files: numberArg('files', values.files),
    gzip: values.gzip,
    seed: seedArg(values.seed),
    catalogSeed: seedArg(values['catalog-seed']),
    newAdShare: numberArg('new-ad-share', values['new-ad-share']),
  };
  if (generator === 'shop') {
    const unsupported = (['dirt', 'drift', 'image-format'] as const).filter((name) => values[name] !== undefined);
    if (unsupported.length > 0) throw new Error(`the shop generator does not take --${unsupported.join(', --')}`);
    return { generator, options: common };
  }
  const dirt = numberArg('dirt', values.dirt ?? '0.002')!;
  return {
    generator,
    options: {
      ...common,
      dirt: { malformedRows: dirt, outOfRangeRows: dirt, missingImages: dirt, corruptImages: dirt },
      drift: numberArg('drift', values.drift),
      imageFormat: values['image-format'] as GenerateMonthOptions['imageFormat'],
    },
  };
}

let command: Command;
try {
  command = parseCommandLine(process.argv.slice(2));
  // Validate before touching the store, so bad arguments fail fast.
  if (command !== 'help') {
    if (command.generator === 'shop') parseShopMonthOptions(command.options);
    else parseGenerateMonthOptions(command.options);
  }
} catch (error) {
  const message = error instanceof InvalidGenerateOptionsError ? `Invalid options: ${error.message}` : (error as Error).message;
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
}
if (command === 'help') {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}

try {
  const store = await openStore(loadConfig());
  const started = performance.now();
  const summary = command.generator === 'shop' ? await generateShopMonth(store, command.options) : await generateMonth(store, command.options);
  const seconds = Number(((performance.now() - started) / 1000).toFixed(2));
  process.stdout.write(`${JSON.stringify({ store: store.url, generator: command.generator, seconds, ...summary }, null, 2)}\n`);
} catch (error) {
  log.error('data generation failed', { error: error instanceof Error ? error.stack : String(error) });
  process.exit(1);
}
