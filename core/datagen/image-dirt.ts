// Breaks an exact number of ads' images: missing ones are referenced by the CSV but never written;
// corrupt ones are written as bytes no decoder accepts.
import type { Random } from '../random';

export type ImageStatus = 'ok' | 'missing' | 'corrupt';

/** Statuses by ad index: round(fraction × ads) missing and as many corrupt, on disjoint ads. */
export function pickImageStatuses(adCount: number, missingFraction: number, corruptFraction: number, random: Random): ImageStatus[] {
  const missing = Math.round(adCount * missingFraction);
  const corrupt = Math.min(adCount - missing, Math.round(adCount * corruptFraction));
  const order = random.shuffle(Array.from({ length: adCount }, (_, i) => i));
  const statuses = new Array<ImageStatus>(adCount).fill('ok');
  order.slice(0, missing).forEach((i) => (statuses[i] = 'missing'));
  order.slice(missing, missing + corrupt).forEach((i) => (statuses[i] = 'corrupt'));
  return statuses;
}

/** Either random garbage or the image cut off after its first 20 bytes (the header only). Both
 *  fail to decode even with a lenient decoder; a half-truncated JPEG would not. */
export function corruptImage(encoded: Buffer, random: Random): Buffer {
  if (random.chance(0.5)) return encoded.subarray(0, 20);
  const garbage = Buffer.alloc(random.int(100, 600));
  for (let i = 0; i < garbage.length; i++) garbage[i] = random.int(0, 255);
  return garbage;
}
