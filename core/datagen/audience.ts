// Who sees ads in a given month: the mix of placements, devices, regions, interests and hours, with
// month-of-year seasonality and, under drift, a shift towards a population the model has not seen.
import { WeightedChoice, WeightedIndex } from '../random';
import { CATEGORIES, DEVICES, DRIFT_PLACEMENTS, PLACEMENTS, REGIONS, type Category, type Device, type Placement, type Region } from './values';

export interface Audience {
  placement: WeightedChoice<Placement>;
  device: WeightedChoice<Device>;
  region: WeightedChoice<Region>;
  interest: WeightedChoice<Category>;
  /** Share of traffic per UTC hour: quiet nights, an evening peak. */
  hour: WeightedIndex;
  /** Years added to every user's age. */
  ageShift: number;
  /** Logit shift of the whole rate. */
  driftLogit: number;
}

const HOURLY_TRAFFIC = [0.35, 0.22, 0.15, 0.12, 0.12, 0.18, 0.35, 0.6, 0.8, 0.9, 0.95, 1, 1.05, 1, 0.95, 0.95, 1, 1.1, 1.25, 1.4, 1.45, 1.3, 0.95, 0.6];

/** Holidays bring shopping searches and video; summer brings video. */
const SEASONAL_PLACEMENT: Readonly<Record<number, Partial<Record<Placement, number>>>> = {
  1: { video: 1.3 },
  7: { video: 1.25 },
  8: { video: 1.2 },
  11: { search: 1.5, sidebar: 0.8 },
  12: { search: 1.35, video: 1.4, sidebar: 0.8 },
};
const SEASONAL_INTEREST: Readonly<Record<number, Partial<Record<Category, number>>>> = {
  1: { health: 1.6, finance: 1.3 },
  4: { home: 1.3 },
  5: { home: 1.3, travel: 1.2 },
  6: { travel: 1.6 },
  7: { travel: 1.7 },
  8: { travel: 1.4, education: 1.5 },
  9: { education: 1.5 },
  11: { retail: 1.7, fashion: 1.4, tech: 1.3 },
  12: { retail: 1.8, fashion: 1.5, gaming: 1.4 },
};

const BASE_PLACEMENT: Readonly<Record<(typeof PLACEMENTS)[number], number>> = { feed: 0.45, sidebar: 0.2, search: 0.2, video: 0.15 };
const BASE_DEVICE: Readonly<Record<Device, number>> = { mobile: 0.6, desktop: 0.33, tablet: 0.07 };
const DRIFTED_DEVICE: Readonly<Record<Device, number>> = { mobile: 0.15, desktop: 0.1, tablet: 0.75 };
const BASE_REGION = [0.16, 0.12, 0.1, 0.06, 0.09, 0.08, 0.06, 0.05, 0.08, 0.1, 0.06, 0.04];
/** Under drift, traffic concentrates on three regions that were minor before. */
const DRIFTED_REGIONS: readonly Region[] = ['brazil', 'japan', 'australia'];
/** Under drift, interests concentrate on two categories. */
const DRIFTED_INTERESTS: readonly Category[] = ['gaming', 'entertainment'];

const lerp = (from: number, to: number, t: number) => from + (to - from) * t;

export function audienceFor(monthOfYear: number, drift: number): Audience {
  const placementSeason = SEASONAL_PLACEMENT[monthOfYear] ?? {};
  const placements: Record<Placement, number> = { feed: 0, sidebar: 0, search: 0, video: 0, ctv: 0, audio: 0, interstitial: 0 };
  for (const p of PLACEMENTS) placements[p] = BASE_PLACEMENT[p] * (placementSeason[p] ?? 1) * (1 - 0.45 * drift);
  for (const p of DRIFT_PLACEMENTS) placements[p] = 0.15 * drift;

  const devices = Object.fromEntries(DEVICES.map((d) => [d, lerp(BASE_DEVICE[d], DRIFTED_DEVICE[d], drift)])) as Record<Device, number>;
  const regions = Object.fromEntries(REGIONS.map((r, i) => [r, lerp(BASE_REGION[i]!, DRIFTED_REGIONS.includes(r) ? 1 / 3 : 0, drift)])) as Record<
    Region,
    number
  >;
  const interestSeason = SEASONAL_INTEREST[monthOfYear] ?? {};
  const interests = Object.fromEntries(
    CATEGORIES.map((c) => [c, lerp((interestSeason[c] ?? 1) / CATEGORIES.length, DRIFTED_INTERESTS.includes(c) ? 0.5 : 0, drift)]),
  ) as Record<Category, number>;

  return {
    placement: new WeightedChoice(placements),
    device: new WeightedChoice(devices),
    region: new WeightedChoice(regions),
    interest: new WeightedChoice(interests),
    hour: new WeightedIndex(HOURLY_TRAFFIC),
    ageShift: 25 * drift,
    driftLogit: -0.3 * drift,
  };
}
