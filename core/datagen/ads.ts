// The ad catalogue: ads from advertisers that come and go (a few of them big), each with a category, a
// headline, a banner look and a serving weight. Each ad is drawn from its own stream of the catalogue
// seed, so an ad is the same in every month that serves it; impressions share the month's ads.
import { randomBannerLook, type BannerLook } from './banner-look';
import { CatalogAdvertisers } from './catalog-advertisers';
import { firstMonthOf, isNewInWindow, windowIndices, type CatalogWindow } from './catalog-window';
import { AD_EFFECT_SD, ADVERTISER_EFFECT_SD, CATEGORY_LOGIT, imageLogit, type AdLogit } from './click-model';
import { headlineLogit, makeHeadline } from './headlines';
import type { Random } from '../random';
import { CATEGORIES, IMAGE_EXTENSION, IMAGE_FORMATS, type Category, type ImageFormat } from './values';

export type ImageFormatChoice = ImageFormat | 'mixed';

export interface Ad {
  id: string;
  /** Position in the catalogue; the id is derived from it. */
  index: number;
  /** The first month that serves this ad, and whether that is the month being generated. */
  firstMonth: string;
  isNew: boolean;
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
  size: number;
}

const NAME_FIRST = ['north', 'blue', 'bright', 'silver', 'green', 'red', 'true', 'open', 'swift', 'clear', 'sun', 'stone', 'river', 'cloud', 'iron', 'maple'];
const NAME_SECOND = ['wind', 'harbor', 'peak', 'field', 'line', 'gate', 'works', 'point', 'labs', 'craft', 'wave', 'bridge', 'leaf', 'path', 'forge', 'nest'];

function makeAdvertiser(index: number, random: Random): Advertiser {
  // The index suffix keeps names unique across the endless catalogue.
  const name = `${random.pick(NAME_FIRST)}${random.pick(NAME_SECOND)}-${index.toString(36)}`;
  return { name, category: random.pick(CATEGORIES), effect: random.normal(0, ADVERTISER_EFFECT_SD), size: Math.exp(random.normal(0, 1.2)) };
}

function pickFormat(choice: ImageFormatChoice, roll: number): ImageFormat {
  if (choice !== 'mixed') return choice;
  return roll < 0.45 ? IMAGE_FORMATS[0] : roll < 0.85 ? IMAGE_FORMATS[1] : IMAGE_FORMATS[2];
}

export const adId = (index: number) => `ad-${String(index).padStart(6, '0')}`;

/** The window's ads; catalog is the catalogue seed's stream, never the month's. */
export function buildAds(window: CatalogWindow, imageFormat: ImageFormatChoice, catalog: Random): Ad[] {
  const advertisers = new CatalogAdvertisers(catalog, makeAdvertiser);
  return windowIndices(window).map((index) => {
    // Draw in a fixed order from the ad's own stream, so options never change what an ad is.
    const random = catalog.fork(`ad:${index}`);
    const owner = advertisers.advertiser(advertisers.ownerOf(index, random));
    // Advertisers mostly stay in their own category.
    const category = random.chance(0.8) ? owner.category : random.pick(CATEGORIES);
    const headline = makeHeadline(category, random);
    const look = randomBannerLook(random);
    const format = pickFormat(imageFormat, random.next());
    const id = adId(index);
    return {
      id,
      index,
      firstMonth: firstMonthOf(window, index),
      isNew: isNewInWindow(window, index),
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
