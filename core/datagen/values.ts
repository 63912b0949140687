// The categorical values the generated data uses: ad categories (which double as user interests),
// placements, devices and regions.

export const CATEGORIES = ['retail', 'travel', 'finance', 'auto', 'tech', 'gaming', 'food', 'health', 'fashion', 'home', 'entertainment', 'education'] as const;
export type Category = (typeof CATEGORIES)[number];

/** Interests close enough to a category that its ads still appeal, a little. */
export const RELATED_INTERESTS: Readonly<Record<Category, readonly Category[]>> = {
  retail: ['fashion', 'home'],
  travel: ['entertainment', 'food'],
  finance: ['auto', 'education'],
  auto: ['finance', 'tech'],
  tech: ['gaming', 'education'],
  gaming: ['tech', 'entertainment'],
  food: ['health', 'travel'],
  health: ['food', 'fashion'],
  fashion: ['retail', 'health'],
  home: ['retail', 'finance'],
  entertainment: ['gaming', 'travel'],
  education: ['tech', 'finance'],
};

export const PLACEMENTS = ['feed', 'sidebar', 'search', 'video'] as const;
/** Placements that only appear under drift: values the model has never seen. */
export const DRIFT_PLACEMENTS = ['ctv', 'audio', 'interstitial'] as const;
export type Placement = (typeof PLACEMENTS)[number] | (typeof DRIFT_PLACEMENTS)[number];

export const DEVICES = ['mobile', 'desktop', 'tablet'] as const;
export type Device = (typeof DEVICES)[number];

export const REGIONS = ['us-east', 'us-west', 'us-central', 'canada', 'uk', 'germany', 'france', 'spain', 'brazil', 'india', 'japan', 'australia'] as const;
export type Region = (typeof REGIONS)[number];

export const IMAGE_FORMATS = ['png', 'jpeg', 'webp'] as const;
export type ImageFormat = (typeof IMAGE_FORMATS)[number];

export const IMAGE_EXTENSION: Readonly<Record<ImageFormat, string>> = { png: 'png', jpeg: 'jpg', webp: 'webp' };
