// The publishers' sites ads appear on: a fixed roster drawn from the catalogue seed, each with a theme
// (most of its pages are about it), a share of traffic and its own effect on clicks.
import { WeightedIndex, type Random } from '../random';
import { PAGE_CATEGORIES, type PageCategory } from './values';

export interface Site {
  name: string;
  theme: PageCategory;
  traffic: number;
  effect: number;
}

const SITE_COUNT = 40;
const SITE_EFFECT_SD = 0.25;
const WORDS = ['daily', 'smart', 'happy', 'urban', 'modern', 'weekend', 'family', 'pocket', 'bright', 'quick', 'good', 'open'];
const TOPICS: Readonly<Record<PageCategory, readonly string[]>> = {
  news: ['news', 'herald', 'times'],
  tech: ['gadgets', 'tech', 'bytes'],
  fashion: ['style', 'closet', 'runway'],
  sports: ['sports', 'score', 'field'],
  home: ['nest', 'living', 'garden'],
  beauty: ['glow', 'beauty', 'skin'],
  food: ['kitchen', 'recipes', 'plate'],
  deals: ['deals', 'coupons', 'bargains'],
  reviews: ['reviews', 'verdict', 'tested'],
  kids: ['parents', 'kids', 'playroom'],
};

export function buildSites(random: Random): { sites: Site[]; pick: WeightedIndex } {
  const sites = Array.from({ length: SITE_COUNT }, (_, i) => {
    const theme = random.pick(PAGE_CATEGORIES);
    // The number keeps names unique; real rosters have their near-duplicates too.
    const name = `${random.pick(WORDS)}${random.pick(TOPICS[theme])}${i + 1}.com`;
    return { name, theme, traffic: Math.exp(random.normal(0, 1)), effect: random.normal(0, SITE_EFFECT_SD) };
  });
  return { sites, pick: new WeightedIndex(sites.map((site) => site.traffic)) };
}
