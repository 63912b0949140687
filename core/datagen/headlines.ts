// Ad headlines: 3–8 words from a vocabulary where some words lift clicks and some depress them.
// Some headlines carry commas and double quotes so that CSV quoting gets exercised.
import type { Random } from '../random';
import type { Category } from './values';

/** Logit effect of each word that moves the click rate; every other word is neutral. */
export const WORD_EFFECTS: Readonly<Record<string, number>> = {
  free: 0.35,
  save: 0.3,
  limited: 0.25,
  exclusive: 0.25,
  new: 0.2,
  today: 0.2,
  deal: 0.2,
  bonus: 0.15,
  fees: -0.3,
  subscription: -0.3,
  required: -0.25,
  conditions: -0.2,
  minimum: -0.2,
  terms: -0.2,
};

const LIFTING = ['free', 'save', 'limited', 'exclusive', 'new', 'today', 'deal', 'bonus'];
const DEPRESSING = ['fees', 'subscription', 'required', 'conditions', 'minimum', 'terms'];

const NEUTRAL = ['best', 'quality', 'modern', 'simple', 'smart', 'premium', 'trusted', 'easy', 'your', 'great', 'local', 'top', 'fresh', 'original'];

const NOUNS: Readonly<Record<Category, readonly string[]>> = {
  retail: ['store', 'shopping', 'outlet', 'gifts', 'brands'],
  travel: ['flights', 'hotels', 'getaway', 'cruise', 'trips'],
  finance: ['loans', 'savings', 'credit', 'banking', 'insurance'],
  auto: ['cars', 'tires', 'lease', 'dealership', 'suv'],
  tech: ['laptops', 'phones', 'software', 'headphones', 'gadgets'],
  gaming: ['games', 'console', 'quests', 'multiplayer', 'rewards'],
  food: ['recipes', 'pizza', 'delivery', 'coffee', 'groceries'],
  health: ['vitamins', 'fitness', 'clinic', 'wellness', 'yoga'],
  fashion: ['shoes', 'jackets', 'dresses', 'sneakers', 'style'],
  home: ['furniture', 'kitchen', 'garden', 'mattress', 'decor'],
  entertainment: ['movies', 'concerts', 'streaming', 'tickets', 'shows'],
  education: ['courses', 'degree', 'tutoring', 'languages', 'certificate'],
};

/** Sum of the word effects, so the truth depends on the words and not on their punctuation. */
export function headlineLogit(headline: string): number {
  return headline
    .toLowerCase()
    .split(/[^a-z]+/)
    .reduce((sum, word) => sum + (WORD_EFFECTS[word] ?? 0), 0);
}

export function makeHeadline(category: Category, random: Random): string {
  const length = random.int(3, 8);
  const lifting = Math.min(length - 1, random.chance(0.55) ? random.int(1, 2) : 0);
  const depressing = Math.min(length - 1 - lifting, random.chance(0.25) ? 1 : 0);
  const words: string[] = [];
  // Distinct words: real headlines rarely repeat one.
  const add = (pool: readonly string[]) => {
    const unused = pool.filter((word) => !words.includes(word));
    words.push(random.pick(unused.length > 0 ? unused : NEUTRAL.filter((word) => !words.includes(word))));
  };
  add(NOUNS[category]);
  for (let i = 0; i < lifting; i++) add(LIFTING);
  for (let i = 0; i < depressing; i++) add(DEPRESSING);
  while (words.length < length) add(random.chance(0.25) ? NOUNS[category] : NEUTRAL);
  random.shuffle(words);
  if (random.chance(0.12)) {
    const i = random.int(0, words.length - 1);
    words[i] = `"${words[i]}"`;
  }
  if (random.chance(0.15)) {
    const i = random.int(0, words.length - 2);
    words[i] = `${words[i]},`;
  }
  const text = words.join(' ');
  return text.replace(/[a-z]/, (first) => first.toUpperCase());
}
