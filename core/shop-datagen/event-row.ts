// Events as CSV rows. The column order is not the spec's: the pipeline maps columns by header name.
import type { ShopEvent } from './events';

export const EVENT_COLUMNS = [
  'event_time',
  'event_id',
  'site',
  'page_category',
  'slot_size',
  'campaign_id',
  'merchant',
  'product_type',
  'ad_title',
  'item_price',
  'discount_pct',
  'creative',
  'os',
  'browser',
  'country',
  'user_segment',
  'visit_depth',
  'hours_since_last_visit',
  'cart_items',
  'is_click',
] as const;
type EventColumn = (typeof EVENT_COLUMNS)[number];

export function eventFields(event: ShopEvent): string[] {
  const values: Record<EventColumn, string | number> = {
    // Epoch milliseconds: the other timestamp form the contract allows.
    event_time: event.time,
    event_id: event.id,
    site: event.site.name,
    page_category: event.page,
    slot_size: event.slot,
    campaign_id: event.campaign.id,
    merchant: event.campaign.merchant,
    product_type: event.campaign.productType,
    ad_title: event.campaign.title,
    item_price: event.campaign.price.toFixed(2),
    discount_pct: event.discountPct,
    creative: event.campaign.imagePath,
    os: event.os,
    browser: event.browser,
    country: event.country,
    user_segment: event.segment,
    visit_depth: event.visitDepth,
    hours_since_last_visit: event.hoursSinceLastVisit ?? '',
    cart_items: event.cartItems,
    is_click: event.clicked,
  };
  return EVENT_COLUMNS.map((column) => String(values[column]));
}
