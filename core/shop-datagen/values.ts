// The categorical values of the shop generator's data: what publishers' pages are about, ad slots,
// operating systems, browsers, countries, shopper segments and product types, with traffic shares.

export const PAGE_CATEGORIES = ['news', 'tech', 'fashion', 'sports', 'home', 'beauty', 'food', 'deals', 'reviews', 'kids'] as const;
export type PageCategory = (typeof PAGE_CATEGORIES)[number];

export const PRODUCT_TYPES = ['electronics', 'apparel', 'beauty', 'home', 'sports', 'toys', 'grocery', 'books'] as const;
export type ProductType = (typeof PRODUCT_TYPES)[number];

/** Pages whose readers are shopping for the product type anyway: ads there are relevant. */
export const RELEVANT_PAGES: Readonly<Record<ProductType, readonly PageCategory[]>> = {
  electronics: ['tech', 'reviews'],
  apparel: ['fashion'],
  beauty: ['beauty', 'fashion'],
  home: ['home'],
  sports: ['sports'],
  toys: ['kids'],
  grocery: ['food'],
  books: ['news', 'reviews'],
};

export const SEGMENTS = ['bargain_hunter', 'brand_loyal', 'new_visitor', 'researcher', 'impulse_buyer', 'lapsed'] as const;
export type Segment = (typeof SEGMENTS)[number];
export const SEGMENT_SHARE: Readonly<Record<Segment, number>> = {
  bargain_hunter: 0.2,
  brand_loyal: 0.15,
  new_visitor: 0.15,
  researcher: 0.2,
  impulse_buyer: 0.1,
  lapsed: 0.2,
};

export const OPERATING_SYSTEMS = ['android', 'ios', 'windows', 'macos', 'linux', 'other'] as const;
export type OperatingSystem = (typeof OPERATING_SYSTEMS)[number];
export const OS_SHARE: Readonly<Record<OperatingSystem, number>> = { android: 0.32, ios: 0.25, windows: 0.27, macos: 0.12, linux: 0.02, other: 0.02 };
export const MOBILE_OS: readonly OperatingSystem[] = ['android', 'ios'];

export const BROWSERS = ['chrome', 'safari', 'firefox', 'edge', 'samsung', 'other'] as const;
export type Browser = (typeof BROWSERS)[number];
const noBrowser: Record<Browser, number> = { chrome: 0, safari: 0, firefox: 0, edge: 0, samsung: 0, other: 0 };
export const BROWSER_SHARE: Readonly<Record<OperatingSystem, Readonly<Record<Browser, number>>>> = {
  android: { ...noBrowser, chrome: 0.75, samsung: 0.2, firefox: 0.05 },
  ios: { ...noBrowser, safari: 0.85, chrome: 0.15 },
  windows: { ...noBrowser, chrome: 0.65, edge: 0.25, firefox: 0.1 },
  macos: { ...noBrowser, safari: 0.5, chrome: 0.45, firefox: 0.05 },
  linux: { ...noBrowser, firefox: 0.5, chrome: 0.5 },
  other: { ...noBrowser, other: 1 },
};

export const SLOT_SIZES = ['300x250', '728x90', '160x600', '320x50', '300x600', '970x250'] as const;
export type SlotSize = (typeof SLOT_SIZES)[number];
/** Phones get phone-sized slots; desktops the wide and tall ones. */
export const MOBILE_SLOT_SHARE: Readonly<Record<SlotSize, number>> = {
  '300x250': 0.45,
  '728x90': 0,
  '160x600': 0,
  '320x50': 0.4,
  '300x600': 0.15,
  '970x250': 0,
};
export const DESKTOP_SLOT_SHARE: Readonly<Record<SlotSize, number>> = {
  '300x250': 0.35,
  '728x90': 0.3,
  '160x600': 0.12,
  '320x50': 0,
  '300x600': 0.13,
  '970x250': 0.1,
};

export const COUNTRIES = ['us', 'gb', 'de', 'fr', 'ca', 'au', 'br', 'in', 'jp', 'mx', 'es'] as const;
export type Country = (typeof COUNTRIES)[number];
export const COUNTRY_SHARE: Readonly<Record<Country, number>> = {
  us: 0.35,
  gb: 0.1,
  de: 0.1,
  fr: 0.08,
  ca: 0.06,
  au: 0.04,
  br: 0.07,
  in: 0.08,
  jp: 0.05,
  mx: 0.04,
  es: 0.03,
};

/** The share of page views of each category, apart from sites' own themes. */
export const PAGE_SHARE: Readonly<Record<PageCategory, number>> = {
  news: 0.2,
  tech: 0.1,
  fashion: 0.1,
  sports: 0.1,
  home: 0.08,
  beauty: 0.07,
  food: 0.1,
  deals: 0.1,
  reviews: 0.1,
  kids: 0.05,
};
