// The true click model: every effect on the logit scale, in one place. Clicked ~ Bernoulli(p).
import type { BannerLook } from './banner-look';
import { RELATED_INTERESTS, type Category, type Device, type Placement, type Region } from './values';

/** Tuned so a normal month's observed click rate lands near 2%. */
const BASE_LOGIT = -5.25;

/** Month-of-year shift of the whole rate: the holiday season clicks more. */
const SEASON_LOGIT = [-0.15, -0.1, -0.05, 0, 0, -0.05, -0.1, -0.05, 0, 0.05, 0.25, 0.35];

export const PLACEMENT_LOGIT: Readonly<Record<Placement, number>> = {
  feed: 0,
  sidebar: -0.9,
  search: 0.6,
  video: 0.25,
  ctv: -0.6,
  audio: -1.2,
  interstitial: 0.4,
};
const DEVICE_LOGIT: Readonly<Record<Device, number>> = { mobile: 0.1, desktop: 0, tablet: -0.2 };
const REGION_LOGIT: Readonly<Record<Region, number>> = {
  'us-east': 0.05,
  'us-west': 0.1,
  'us-central': 0,
  canada: 0,
  uk: -0.05,
  germany: -0.15,
  france: -0.1,
  spain: 0.05,
  brazil: 0.15,
  india: 0.1,
  japan: -0.2,
  australia: 0,
};
export const CATEGORY_LOGIT: Readonly<Record<Category, number>> = {
  retail: 0.1,
  travel: 0,
  finance: -0.3,
  auto: -0.2,
  tech: 0,
  gaming: 0.2,
  food: 0.15,
  health: -0.1,
  fashion: 0.1,
  home: 0,
  entertainment: 0.15,
  education: -0.2,
};

/** A user shown an ad of the category they are interested in is far likelier to click. */
const INTEREST_MATCH_LOGIT = 1.0;
const RELATED_INTEREST_LOGIT = 0.35;
/** Per unit of the user's click propensity as past clicks per session show it (log ratio, about sd 0.75). */
const PROPENSITY_LOGIT = 0.65;
/** SD of the per-advertiser and the per-ad random effects. */
export const ADVERTISER_EFFECT_SD = 0.25;
export const AD_EFFECT_SD = 0.15;

/** Banner look: warm hues, a call-to-action button, mid-high brightness and text on top all help. */
export function imageLogit(look: BannerLook): number {
  const warmth = Math.cos(((look.hue - 30) * Math.PI) / 180);
  const brightness = 0.1 - 0.35 * ((look.brightness - 0.7) / 0.35) ** 2;
  return 0.3 * warmth + (look.hasCta ? 0.5 : 0) + brightness + (look.textAt === 'top' ? 0.12 : -0.12);
}

/** Evening peak, morning trough: ±0.3. */
export function hourLogit(hour: number): number {
  return 0.3 * Math.cos((2 * Math.PI * (hour - 20)) / 24);
}

/** Clicks peak around 30 and fall off both ways, by at most 0.8. */
export function ageLogit(age: number): number {
  return -Math.min(0.8, 0.35 * ((age - 30) / 20) ** 2);
}

/** Heavy users have learned to ignore ads, a little. */
export function sessionsLogit(sessions: number): number {
  return -0.1 * Math.log(Math.max(1, sessions) / 20);
}

export function interestLogit(interest: Category, category: Category): number {
  if (interest === category) return INTEREST_MATCH_LOGIT;
  return RELATED_INTERESTS[interest].includes(category) ? RELATED_INTEREST_LOGIT : 0;
}

/** What belongs to the ad alone: category, advertiser, its own random effect, headline and banner. */
export interface AdLogit {
  category: number;
  advertiser: number;
  own: number;
  headline: number;
  image: number;
}

export interface ClickContext {
  monthOfYear: number;
  /** Uniform shift of the rate under drift. */
  driftLogit: number;
  placement: Placement;
  device: Device;
  region: Region;
  hour: number;
  age: number;
  sessions: number;
  propensity: number;
  interest: Category;
}

export function adLogitTotal(ad: AdLogit): number {
  return ad.category + ad.advertiser + ad.own + ad.headline + ad.image;
}

export function clickProbability(adTotal: number, adCategory: Category, context: ClickContext): number {
  const logit =
    BASE_LOGIT +
    SEASON_LOGIT[context.monthOfYear - 1]! +
    context.driftLogit +
    adTotal +
    PLACEMENT_LOGIT[context.placement] +
    DEVICE_LOGIT[context.device] +
    REGION_LOGIT[context.region] +
    hourLogit(context.hour) +
    ageLogit(context.age) +
    sessionsLogit(context.sessions) +
    PROPENSITY_LOGIT * context.propensity +
    interestLogit(context.interest, adCategory);
  return 1 / (1 + Math.exp(-logit));
}
