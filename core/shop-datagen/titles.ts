// Ad titles: "<Brand> <adjective> <product>", often followed by selling phrases, some of whose words
// lift clicks and some depress them. Commas, double quotes and a few accented words exercise CSV
// quoting and UTF-8.
import type { Random } from '../random';
import type { ProductType } from './values';

/** Logit effect of each word that moves the click rate; every other word is neutral. */
export const TITLE_WORD_EFFECTS: Readonly<Record<string, number>> = {
  bestseller: 0.3,
  shipping: 0.3,
  sale: 0.25,
  bundle: 0.2,
  rated: 0.2,
  preorder: -0.35,
  refurbished: -0.3,
  imported: -0.15,
  subscription: -0.25,
};

const LIFTING_PHRASES = ['Bestseller', 'Free shipping', 'On sale', 'Bundle and save', 'Top rated'];
const DEPRESSING_PHRASES = ['Preorder', 'Refurbished', 'Imported', 'Subscription only'];
const NEUTRAL_PHRASES = ['In stock', 'Order now', 'Limited colours', 'Gift ready'];

const ADJECTIVES = ['classic', 'premium', 'everyday', 'compact', 'organic', 'deluxe', 'essential', 'lightweight', 'original', 'smart'];

const PRODUCTS: Readonly<Record<ProductType, readonly string[]>> = {
  electronics: ['earbuds', 'charger', 'smartwatch', 'speaker', 'tablet'],
  apparel: ['hoodie', 'jeans', 'raincoat', 'sneakers', 'scarf'],
  beauty: ['serum', 'crème', 'lipstick', 'shampoo', 'perfume'],
  home: ['lamp', 'cookware', 'pillow', 'blender', 'rug'],
  sports: ['dumbbells', 'yoga mat', 'bike helmet', 'running shoes', 'tent'],
  toys: ['puzzle', 'building blocks', 'plush bear', 'board game', 'kite'],
  grocery: ['café blend', 'olive oil', 'granola', 'green tea', 'chocolate'],
  books: ['cookbook', 'novel', 'atlas', 'biography', 'comic'],
};

export function titleLogit(title: string): number {
  return (title.toLowerCase().match(/\p{L}+/gu) ?? []).reduce((sum, word) => sum + (TITLE_WORD_EFFECTS[word] ?? 0), 0);
}

export function makeTitle(brand: string, productType: ProductType, random: Random): string {
  const adjective = random.pick(ADJECTIVES);
  const head = `${brand} ${random.chance(0.08) ? `"${adjective}"` : adjective} ${random.pick(PRODUCTS[productType])}`;
  const phrases: string[] = [];
  if (random.chance(0.5)) phrases.push(random.pick(LIFTING_PHRASES));
  if (random.chance(0.25)) phrases.push(random.pick(DEPRESSING_PHRASES));
  if (random.chance(0.3)) phrases.push(random.pick(NEUTRAL_PHRASES));
  random.shuffle(phrases);
  return phrases.length === 0 ? head : `${head} - ${phrases.join(random.chance(0.5) ? ', ' : ' | ')}`;
}
