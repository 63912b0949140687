// Draws one impression at a time: when, where, to whom, which ad, its true click probability, and
// whether it was clicked.
import type { Ad } from './ads';
import { audienceFor, type Audience } from './audience';
import { adLogitTotal, clickProbability } from './click-model';
import { WeightedIndex, type Random } from '../random';
import { CATEGORIES, type Category, type Device, type Placement, type Region } from './values';

export interface Impression {
  id: string;
  timestamp: string;
  hour: number;
  ad: Ad;
  placement: Placement;
  device: Device;
  region: Region;
  interest: Category;
  age: number;
  sessions: number;
  /** Null when the logs lost it (≈5% of rows); the truth still used the real value. */
  pastClicks: number | null;
  p: number;
  clicked: 0 | 1;
}

/** Share of impressions served by interest targeting rather than by the ad's overall weight. */
const TARGETED_SHARE = 0.35;
const MISSING_PAST_CLICKS = 0.05;
const HOUR_MS = 3_600_000;

export class ImpressionSampler {
  private readonly audience: Audience;
  private readonly monthOfYear: number;
  private readonly monthStart: number;
  private readonly days: number;
  private readonly idPrefix: string;
  private readonly adTotals: number[];
  private readonly anyAd: WeightedIndex;
  private readonly adsByCategory = new Map<Category, { indices: number[]; pick: WeightedIndex }>();

  constructor(
    month: string,
    private readonly ads: Ad[],
    drift: number,
    private readonly random: Random,
  ) {
    const [year, monthOfYear] = month.split('-').map(Number) as [number, number];
    this.monthOfYear = monthOfYear;
    this.monthStart = Date.UTC(year, monthOfYear - 1, 1);
    this.days = new Date(Date.UTC(year, monthOfYear, 0)).getUTCDate();
    this.idPrefix = `imp-${year}${String(monthOfYear).padStart(2, '0')}-`;
    this.audience = audienceFor(monthOfYear, drift);
    this.adTotals = ads.map((ad) => adLogitTotal(ad.logit));
    this.anyAd = new WeightedIndex(ads.map((ad) => ad.servingWeight));
    for (const category of CATEGORIES) {
      const indices = ads.flatMap((ad, i) => (ad.category === category ? [i] : []));
      if (indices.length > 0) this.adsByCategory.set(category, { indices, pick: new WeightedIndex(indices.map((i) => ads[i]!.servingWeight)) });
    }
  }

  sample(index: number): Impression {
    const { random, audience } = this;
    const day = random.int(0, this.days - 1);
    const hour = audience.hour.draw(random);
    const time = this.monthStart + (day * 24 + hour) * HOUR_MS + Math.floor(random.next() * HOUR_MS);

    const interest = audience.interest.draw(random);
    const baseAge = Math.min(90, Math.max(13, random.normal(38, 13)));
    const age = Math.min(99, Math.round(baseAge + audience.ageShift));
    const propensity = random.normal(0, 0.6);
    const sessions = Math.min(5000, Math.max(1, Math.round(Math.exp(random.normal(Math.log(18), 0.8)))));
    // Past clicks per session reveal the user's propensity, with Poisson noise.
    const pastClicks = Math.min(10_000, random.poisson(sessions * 0.4 * Math.exp(propensity)));
    const pastClicksLogged = !random.chance(MISSING_PAST_CLICKS);
    // The click model sees propensity only as the data shows it (past clicks per session, or nothing
    // when unlogged), so the true probability is a function of observable columns and the oracle AUC
    // is one a model could reach.
    const shownPropensity = pastClicksLogged ? Math.max(-2, Math.min(2, Math.log((pastClicks + 0.5) / (sessions * 0.4 + 0.5)))) : 0;

    const targeted = random.chance(TARGETED_SHARE) ? this.adsByCategory.get(interest) : undefined;
    const adIndex = targeted ? targeted.indices[targeted.pick.draw(random)]! : this.anyAd.draw(random);
    const ad = this.ads[adIndex]!;

    const placement = audience.placement.draw(random);
    const device = audience.device.draw(random);
    const region = audience.region.draw(random);
    const p = clickProbability(this.adTotals[adIndex]!, ad.category, {
      monthOfYear: this.monthOfYear,
      driftLogit: audience.driftLogit,
      placement,
      device,
      region,
      hour,
      age,
      sessions,
      propensity: shownPropensity,
      interest,
    });
    return {
      id: `${this.idPrefix}${String(index + 1).padStart(8, '0')}`,
      timestamp: new Date(time).toISOString(),
      hour,
      ad,
      placement,
      device,
      region,
      interest,
      age,
      sessions,
      pastClicks: pastClicksLogged ? pastClicks : null,
      p,
      clicked: random.chance(p) ? 1 : 0,
    };
  }
}
