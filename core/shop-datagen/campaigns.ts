// The shop generator's ad catalogue: campaigns (ads) of merchants (advertisers) that come and go,
// each promoting one product at a fixed price with a title and a creative. Each campaign is drawn from
// its own stream of the catalogue seed, so it is the same in every month that serves it.
import { CatalogAdvertisers } from '../datagen/catalog-advertisers';
import { firstMonthOf, isNewInWindow, windowIndices, type CatalogWindow } from '../datagen/catalog-window';
import type { Random } from '../random';
import { CAMPAIGN_EFFECT_SD, imageLogit, MERCHANT_EFFECT_SD, priceLogit, PRODUCT_LOGIT, type CampaignLogit } from './click-model';
import { randomCreativeLook, type CreativeLook } from './creative-look';
import { makeTitle, titleLogit } from './titles';
import { PRODUCT_TYPES, type ProductType } from './values';

export interface Campaign {
  id: string;
  index: number;
  firstMonth: string;
  isNew: boolean;
  merchant: string;
  productType: ProductType;
  title: string;
  price: number;
  look: CreativeLook;
  /** Relative to the month folder, as the CSV's creative column carries it. */
  imagePath: string;
  logit: CampaignLogit;
  /** Relative share of events: a few campaigns get most of the traffic. */
  servingWeight: number;
}

interface Merchant {
  name: string;
  brand: string;
  productType: ProductType;
  effect: number;
  size: number;
}

const BRAND_FIRST = ['acme', 'nova', 'urban', 'pine', 'lumen', 'kite', 'echo', 'terra', 'vivid', 'polar', 'amber', 'coral', 'sage', 'orbit', 'maple', 'zephyr'];
const BRAND_SECOND = ['mart', 'goods', 'home', 'wear', 'lab', 'co', 'supply', 'shop', 'works', 'store', 'craft', 'box'];
const MEDIAN_PRICE: Readonly<Record<ProductType, number>> = { electronics: 80, apparel: 45, beauty: 25, home: 50, sports: 60, toys: 25, grocery: 8, books: 15 };

function makeMerchant(index: number, random: Random): Merchant {
  const brand = `${random.pick(BRAND_FIRST)}${random.pick(BRAND_SECOND)}`;
  return {
    // The index suffix keeps merchants apart when two draw the same brand.
    name: `${brand}-${index.toString(36)}`,
    brand: brand.replace(/^./, (first) => first.toUpperCase()),
    productType: random.pick(PRODUCT_TYPES),
    effect: random.normal(0, MERCHANT_EFFECT_SD),
    size: Math.exp(random.normal(0, 1.2)),
  };
}

/** A shop price: the product type's median, spread log-normally, ending in .99. */
function drawPrice(productType: ProductType, random: Random): number {
  const raw = MEDIAN_PRICE[productType] * Math.exp(random.normal(0, 0.6));
  return Math.min(4999.99, Number((Math.max(1, Math.round(raw)) - 0.01).toFixed(2)));
}

export const campaignId = (index: number) => `cr-${String(index).padStart(6, '0')}`;

/** The window's campaigns; catalog is the catalogue seed's stream, never the month's. */
export function buildCampaigns(window: CatalogWindow, catalog: Random): Campaign[] {
  const merchants = new CatalogAdvertisers(catalog, makeMerchant);
  return windowIndices(window).map((index) => {
    // Draw in a fixed order from the campaign's own stream.
    const random = catalog.fork(`campaign:${index}`);
    const merchant = merchants.advertiser(merchants.ownerOf(index, random));
    // Merchants mostly sell one type of product.
    const productType = random.chance(0.85) ? merchant.productType : random.pick(PRODUCT_TYPES);
    const title = makeTitle(merchant.brand, productType, random);
    const price = drawPrice(productType, random);
    const look = randomCreativeLook(random);
    const id = campaignId(index);
    return {
      id,
      index,
      firstMonth: firstMonthOf(window, index),
      isNew: isNewInWindow(window, index),
      merchant: merchant.name,
      productType,
      title,
      price,
      look,
      imagePath: `images/${id}.png`,
      logit: {
        product: PRODUCT_LOGIT[productType],
        merchant: merchant.effect,
        own: random.normal(0, CAMPAIGN_EFFECT_SD),
        title: titleLogit(title),
        image: imageLogit(look),
        price: priceLogit(price),
      },
      servingWeight: Math.exp(random.normal(0, 1)),
    };
  });
}
