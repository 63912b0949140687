// Impressions as RFC 4180 CSV rows. The file's column order is fixed but deliberately not the spec's,
// because the pipeline maps columns by header name.
import type { Impression } from './impressions';

export const FILE_COLUMNS = [
  'impression_id',
  'ad_id',
  'timestamp',
  'clicked',
  'placement',
  'device',
  'region',
  'hour_of_day',
  'user_interest',
  'user_age',
  'user_sessions_30d',
  'user_past_clicks_30d',
  'advertiser',
  'ad_category',
  'headline',
  'image_path',
] as const;
export type FileColumn = (typeof FILE_COLUMNS)[number];

export const columnIndex = (column: FileColumn): number => FILE_COLUMNS.indexOf(column);

export function impressionFields(impression: Impression): string[] {
  const values: Record<FileColumn, string | number> = {
    impression_id: impression.id,
    ad_id: impression.ad.id,
    timestamp: impression.timestamp,
    clicked: impression.clicked,
    placement: impression.placement,
    device: impression.device,
    region: impression.region,
    hour_of_day: impression.hour,
    user_interest: impression.interest,
    user_age: impression.age,
    user_sessions_30d: impression.sessions,
    user_past_clicks_30d: impression.pastClicks ?? '',
    advertiser: impression.ad.advertiser,
    ad_category: impression.ad.category,
    headline: impression.ad.headline,
    image_path: impression.ad.imagePath,
  };
  return FILE_COLUMNS.map((column) => String(values[column]));
}

function quote(field: string): string {
  return /[",\r\n]/.test(field) ? `"${field.replaceAll('"', '""')}"` : field;
}

export function csvLine(fields: readonly (string | number)[]): string {
  return `${fields.map((f) => quote(String(f))).join(',')}\r\n`;
}
