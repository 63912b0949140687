// The shop generator's true click model, every effect on the logit scale, in one place.
// Clicked ~ Bernoulli(sigmoid(logit)), with the logit a sum of:
// - near-linear main effects, one per value of each categorical column (site, page_category,
//   slot_size, os, browser, country, user_segment, product_type), plus linear terms in log
//   visit_depth, cart_items, log item_price and discount_pct: what logistic regression on one-hot
//   categoricals and standardised numerics can represent;
// - three pairwise interactions it cannot: user_segment × page_category (bargain hunters on deal
//   pages, researchers on reviews), product_type × page_category relevance (electronics on tech
//   pages), and bargain hunters × a discount of 30% or more;
// - step effects on numerics: item_price above 100, discount_pct at 30 or more (the sale badge), and
//   recency buckets of hours_since_last_visit (<1 h, <1 day, <1 week, <30 days, older);
// - per-ad (campaign) and per-advertiser (merchant) random effects;
// - ad_title words (e.g. "bestseller", "shipping" up; "preorder", "refurbished" down);
// - the creative's look: stripes, a frame border, colour saturation and the product's shape
//   (its hue and brightness are distractors).
// Every input is a column of the row or a property of its ad, so the true p is the best any model
// of the CSV (knowing each ad) can do. No seasonality: months differ only in which ads they serve.
import type { CreativeLook } from './creative-look';
import { RELEVANT_PAGES, type Browser, type Country, type OperatingSystem, type PageCategory, type ProductType, type Segment, type SlotSize } from './values';

/** Tuned so the observed click rate lands near 2%. */
const BASE_LOGIT = -5.45;

const PAGE_LOGIT: Readonly<Record<PageCategory, number>> = {
  news: -0.3,
  tech: 0,
  fashion: 0.1,
  sports: -0.1,
  home: 0.05,
  beauty: 0.1,
  food: 0,
  deals: 0.35,
  reviews: 0.15,
  kids: 0,
};
const SLOT_LOGIT: Readonly<Record<SlotSize, number>> = { '300x250': 0, '728x90': -0.35, '160x600': -0.25, '320x50': -0.45, '300x600': 0.3, '970x250': 0.15 };
const OS_LOGIT: Readonly<Record<OperatingSystem, number>> = { android: 0.05, ios: 0.12, windows: 0, macos: -0.05, linux: -0.3, other: -0.2 };
const BROWSER_LOGIT: Readonly<Record<Browser, number>> = { chrome: 0, safari: 0.05, firefox: -0.1, edge: -0.12, samsung: 0.1, other: -0.2 };
const COUNTRY_LOGIT: Readonly<Record<Country, number>> = {
  us: 0.1,
  gb: 0.05,
  de: -0.1,
  fr: -0.05,
  ca: 0.05,
  au: 0,
  br: 0.2,
  in: 0.15,
  jp: -0.25,
  mx: 0.1,
  es: 0,
};
const SEGMENT_LOGIT: Readonly<Record<Segment, number>> = {
  bargain_hunter: 0.1,
  brand_loyal: 0.2,
  new_visitor: -0.25,
  researcher: -0.1,
  impulse_buyer: 0.4,
  lapsed: -0.35,
};
export const PRODUCT_LOGIT: Readonly<Record<ProductType, number>> = {
  electronics: 0,
  apparel: 0.1,
  beauty: 0.05,
  home: -0.05,
  sports: 0,
  toys: 0.1,
  grocery: -0.15,
  books: -0.1,
};

/** Interaction: some shoppers click far more on some pages. */
const SEGMENT_PAGE_LOGIT: Readonly<Partial<Record<Segment, Partial<Record<PageCategory, number>>>>> = {
  bargain_hunter: { deals: 0.7 },
  researcher: { reviews: 0.6, tech: 0.25 },
  impulse_buyer: { deals: 0.3, fashion: 0.3 },
  brand_loyal: { reviews: -0.3 },
  new_visitor: { news: -0.3 },
};
/** Interaction: an ad on a page about its product type. */
const RELEVANT_PAGE_LOGIT = 0.6;
/** Interaction: bargain hunters respond to big discounts. */
const BARGAIN_BIG_DISCOUNT_LOGIT = 0.4;

/** SD of the per-merchant and per-campaign random effects. */
export const MERCHANT_EFFECT_SD = 0.3;
export const CAMPAIGN_EFFECT_SD = 0.25;

const BIG_DISCOUNT = 30;

/** Cheaper items get more clicks, log-linearly, and anything over 100 loses a step more. */
export function priceLogit(price: number): number {
  return -0.3 * Math.log(price / 40) - (price > 100 ? 0.35 : 0);
}

export function discountLogit(discountPct: number): number {
  return 0.012 * discountPct + (discountPct >= BIG_DISCOUNT ? 0.35 : 0);
}

/** Recency buckets: a step function of the hours since the last visit; none for first visits. */
export function recencyLogit(hours: number | null): number {
  if (hours === null) return 0;
  if (hours < 1) return 0.45;
  if (hours < 24) return 0.25;
  if (hours < 168) return 0;
  if (hours < 720) return -0.15;
  return -0.3;
}

/** The creative: stripes and a border draw the eye, vivid colours beat washed-out ones; bottles do best. */
export function imageLogit(look: CreativeLook): number {
  const shape = look.shape === 'bottle' ? 0.15 : look.shape === 'ring' ? -0.2 : 0;
  return (look.pattern === 'striped' ? 0.3 : 0) + (look.border ? 0.35 : 0) + 0.7 * (look.saturation - 0.5) + shape;
}

/** What belongs to the ad alone. */
export interface CampaignLogit {
  product: number;
  merchant: number;
  own: number;
  title: number;
  image: number;
  price: number;
}

export const campaignLogitTotal = (logit: CampaignLogit) => logit.product + logit.merchant + logit.own + logit.title + logit.image + logit.price;

export interface ShopContext {
  siteEffect: number;
  page: PageCategory;
  slot: SlotSize;
  os: OperatingSystem;
  browser: Browser;
  country: Country;
  segment: Segment;
  visitDepth: number;
  hoursSinceLastVisit: number | null;
  cartItems: number;
  discountPct: number;
}

export function shopClickProbability(campaignTotal: number, productType: ProductType, c: ShopContext): number {
  const logit =
    BASE_LOGIT +
    campaignTotal +
    c.siteEffect +
    PAGE_LOGIT[c.page] +
    SLOT_LOGIT[c.slot] +
    OS_LOGIT[c.os] +
    BROWSER_LOGIT[c.browser] +
    COUNTRY_LOGIT[c.country] +
    SEGMENT_LOGIT[c.segment] +
    0.25 * Math.log(c.visitDepth) +
    0.1 * c.cartItems +
    recencyLogit(c.hoursSinceLastVisit) +
    discountLogit(c.discountPct) +
    (SEGMENT_PAGE_LOGIT[c.segment]?.[c.page] ?? 0) +
    (RELEVANT_PAGES[productType].includes(c.page) ? RELEVANT_PAGE_LOGIT : 0) +
    (c.segment === 'bargain_hunter' && c.discountPct >= BIG_DISCOUNT ? BARGAIN_BIG_DISCOUNT_LOGIT : 0);
  return 1 / (1 + Math.exp(-logit));
}
