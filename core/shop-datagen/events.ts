// Draws one event (an ad shown on a publisher's page) at a time: when, on which site and page, to whom
// on which device, which campaign, its true click probability, and whether it was clicked.
import { monthRange } from '../features/month';
import { WeightedChoice, WeightedIndex, type Random } from '../random';
import type { Campaign } from './campaigns';
import { campaignLogitTotal, shopClickProbability, type ShopContext } from './click-model';
import type { Site } from './sites';
import {
  BROWSER_SHARE,
  COUNTRY_SHARE,
  DESKTOP_SLOT_SHARE,
  MOBILE_OS,
  MOBILE_SLOT_SHARE,
  OPERATING_SYSTEMS,
  OS_SHARE,
  PAGE_CATEGORIES,
  PAGE_SHARE,
  RELEVANT_PAGES,
  SEGMENT_SHARE,
  type Browser,
  type OperatingSystem,
  type PageCategory,
} from './values';

export interface ShopEvent extends Omit<ShopContext, 'siteEffect'> {
  id: string;
  time: number;
  site: Site;
  campaign: Campaign;
  p: number;
  clicked: 0 | 1;
}

/** Share of events placed by page context (a campaign about the page's topic) rather than by weight alone. */
const CONTEXTUAL_SHARE = 0.4;
/** Share of a site's pages about its own theme. */
const ON_THEME = 0.65;
const HOURLY_TRAFFIC = [0.3, 0.2, 0.15, 0.12, 0.12, 0.2, 0.4, 0.7, 0.9, 1, 1, 1.05, 1.1, 1.05, 1, 1, 1.05, 1.15, 1.3, 1.4, 1.4, 1.2, 0.9, 0.55];
const DISCOUNTS = [5, 10, 15, 20, 25, 30, 35, 40, 50, 60];
const HOUR_MS = 3_600_000;

export class EventSampler {
  private readonly monthStart: number;
  private readonly days: number;
  private readonly idPrefix: string;
  private readonly campaignTotals: number[];
  private readonly anyCampaign: WeightedIndex;
  private readonly byPage = new Map<PageCategory, { indices: number[]; pick: WeightedIndex }>();
  private readonly hour = new WeightedIndex(HOURLY_TRAFFIC);
  private readonly page = new WeightedChoice(PAGE_SHARE);
  private readonly os = new WeightedChoice(OS_SHARE);
  private readonly browser = new Map(OPERATING_SYSTEMS.map((os) => [os, new WeightedChoice(BROWSER_SHARE[os])]));
  private readonly mobileSlot = new WeightedChoice(MOBILE_SLOT_SHARE);
  private readonly desktopSlot = new WeightedChoice(DESKTOP_SLOT_SHARE);
  private readonly country = new WeightedChoice(COUNTRY_SHARE);
  private readonly segment = new WeightedChoice(SEGMENT_SHARE);

  constructor(
    month: string,
    private readonly campaigns: Campaign[],
    private readonly sites: { sites: Site[]; pick: WeightedIndex },
    private readonly random: Random,
  ) {
    const { from, to } = monthRange(month);
    this.monthStart = from;
    this.days = Math.round((to - from) / (24 * HOUR_MS));
    this.idPrefix = `ev-${month.replace('-', '')}-`;
    this.campaignTotals = campaigns.map((c) => campaignLogitTotal(c.logit));
    this.anyCampaign = new WeightedIndex(campaigns.map((c) => c.servingWeight));
    for (const page of PAGE_CATEGORIES) {
      const indices = campaigns.flatMap((c, i) => (RELEVANT_PAGES[c.productType].includes(page) ? [i] : []));
      if (indices.length > 0) this.byPage.set(page, { indices, pick: new WeightedIndex(indices.map((i) => campaigns[i]!.servingWeight)) });
    }
  }

  sample(index: number): ShopEvent {
    const { random } = this;
    const time = this.monthStart + (random.int(0, this.days - 1) * 24 + this.hour.draw(random)) * HOUR_MS + Math.floor(random.next() * HOUR_MS);
    const site = this.sites.sites[this.sites.pick.draw(random)]!;
    const page = random.chance(ON_THEME) ? site.theme : this.page.draw(random);
    const os: OperatingSystem = this.os.draw(random);
    const browser: Browser = this.browser.get(os)!.draw(random);
    const slot = (MOBILE_OS.includes(os) ? this.mobileSlot : this.desktopSlot).draw(random);
    const country = this.country.draw(random);
    const segment = this.segment.draw(random);
    const visitDepth = Math.min(200, 1 + random.poisson(segment === 'researcher' ? 5 : 2));
    const hoursSinceLastVisit = segment === 'new_visitor' ? null : this.hoursSinceLastVisit(segment === 'lapsed');
    const cartItems = Math.min(50, random.poisson(segment === 'impulse_buyer' ? 1.5 : segment === 'new_visitor' ? 0.2 : 0.7));
    const discountPct = random.chance(0.55) ? 0 : random.pick(DISCOUNTS);

    const contextual = random.chance(CONTEXTUAL_SHARE) ? this.byPage.get(page) : undefined;
    const campaignIndex = contextual ? contextual.indices[contextual.pick.draw(random)]! : this.anyCampaign.draw(random);
    const campaign = this.campaigns[campaignIndex]!;
    const context = { page, slot, os, browser, country, segment, visitDepth, hoursSinceLastVisit, cartItems, discountPct };
    const p = shopClickProbability(this.campaignTotals[campaignIndex]!, campaign.productType, { ...context, siteEffect: site.effect });
    return { id: `${this.idPrefix}${String(index + 1).padStart(8, '0')}`, time, site, campaign, ...context, p, clicked: random.chance(p) ? 1 : 0 };
  }

  /** Hours, to a tenth, as the CSV shows them (the click model reads the shown value). */
  private hoursSinceLastVisit(lapsed: boolean): number {
    const hours = lapsed ? 720 + Math.exp(this.random.normal(Math.log(400), 0.7)) : Math.exp(this.random.normal(Math.log(30), 1.8));
    return Number(Math.min(8760, Math.max(0.1, hours)).toFixed(1));
  }
}
