// The ad catalog: a few thousand ads from ~ads/10 advertisers (a few of them big), each with a
// category, a headline, a banner look and a serving weight. Impressions share these ads.
import { randomBannerLook, type BannerLook } from './banner-look';
import { AD_EFFECT_SD, ADVERTISER_EFFECT_SD, CATEGORY_LOGIT, imageLogit, type AdLogit } from './click-model';
import { headlineLogit, makeHeadline } from './headlines';
import { WeightedIndex, type Random } from '../random';
import { CATEGORIES, IMAGE_EXTENSION, IMAGE_FORMATS, type Category, type ImageFormat } from './values';

export type ImageFormatChoice = ImageFormat | 'mixed';

export interface Ad {
  id: string;
  advertiser: string;
  category: Category;
  headline: string;
  format: ImageFormat;
  /** Relative to the month folder, as the CSV's image_path column carries it. */
  imagePath: string;
  look: BannerLook;
  logit: AdLogit;
  /** Relative share of impressions: a few ads get most of the traffic. */
  servingWeight: number;
}

interface Advertiser {
  name: string;
  category: Category;
  effect: number;
}

const NAME_FIRST = ['north', 'blue', 'bright', 'silver', 'green', 'red', 'true', 'open', 'swift', 'clear', 'sun', 'stone', 'river', 'cloud', 'iron', 'maple'];
const NAME_SECOND = ['wind', 'harbor', 'peak', 'field', 'line', 'gate', 'works', 'point', 'labs', 'craft', 'wave', 'bridge', 'leaf', 'path', 'forge', 'nest'];

function makeAdvertisers(count: number, random: Random): Advertiser[] {
  const taken = new Set<string>();
  return Array.from({ length: count }, (_, i) => {
    let name = `${random.pick(NAME_FIRST)}${random.pick(NAME_SECOND)}`;
    if (taken.has(name)) name = `${name}-${i}`;
    taken.add(name);
    return { name, category: random.pick(CATEGORIES), effect: random.normal(0, ADVERTISER_EFFECT_SD) };
  });
}

/** Every advertiser gets one ad; the rest go Zipf-like, so the first advertisers run many ads. */
function assignAdvertisers(adCount: number, advertisers: Advertiser[], random: Random): Advertiser[] {
  const zipf = new WeightedIndex(advertisers.map((_, rank) => 1 / (rank + 1) ** 1.1));
  const owners = [...advertisers];
  while (owners.length < adCount) owners.push(advertisers[zipf.draw(random)]!);
  return random.shuffle(owners);
}

function pickFormat(choice: ImageFormatChoice, random: Random): ImageFormat {
  if (choice !== 'mixed') return choice;
  const roll = random.next();
  return roll < 0.45 ? IMAGE_FORMATS[0] : roll < 0.85 ? IMAGE_FORMATS[1] : IMAGE_FORMATS[2];
}

export function buildAds(count: number, imageFormat: ImageFormatChoice, random: Random): Ad[] {
  const advertisers = makeAdvertisers(Math.max(1, Math.round(count / 10)), random);
  const owners = assignAdvertisers(count, advertisers, random);
  const width = String(count).length;
  return owners.map((owner, i) => {
    const id = `ad-${String(i + 1).padStart(Math.max(5, width), '0')}`;
    // Advertisers mostly stay in their own category.
    const category = random.chance(0.8) ? owner.category : random.pick(CATEGORIES);
    const headline = makeHeadline(category, random);
    const look = randomBannerLook(random);
    const format = pickFormat(imageFormat, random);
    return {
      id,
      advertiser: owner.name,
      category,
      headline,
      format,
      imagePath: `images/${id}.${IMAGE_EXTENSION[format]}`,
      look,
      logit: {
        category: CATEGORY_LOGIT[category],
        advertiser: owner.effect,
        own: random.normal(0, AD_EFFECT_SD),
        headline: headlineLogit(headline),
        image: imageLogit(look),
      },
      servingWeight: Math.exp(random.normal(0, 1)),
    };
  });
}
