// Renders a banner look as 64×64 RGB pixels and encodes it, so the look that moves clicks is really
// in the image (and survives downscaling to 32×32).
import sharp from 'sharp';
import type { BannerLook } from './banner-look';
import { Canvas, CANVAS_SIZE, hsv, luminance, type Rgb } from './canvas';
import type { Random } from '../random';
import type { ImageFormat } from './values';

export const BANNER_SIZE = CANVAS_SIZE;

/** Raw RGB pixels of the banner; random supplies only the noise and the exact bar lengths. */
export function renderBanner(look: BannerLook, random: Random): Buffer {
  const canvas = new Canvas();
  for (let y = 0; y < BANNER_SIZE; y++) {
    // A gentle vertical gradient plus pixel noise, so banners look photographed rather than flat.
    const value = Math.min(1, Math.max(0, look.brightness + 0.08 * (0.5 - y / BANNER_SIZE)));
    const base = hsv(look.hue, look.saturation, value);
    for (let x = 0; x < BANNER_SIZE; x++) {
      const noise = random.int(-6, 6);
      canvas.set(x, y, base.map((c) => Math.min(255, Math.max(0, c + noise))) as Rgb);
    }
  }
  const center = 32 + random.int(-4, 4);
  const shapeColor = hsv(look.shapeHue, 0.55, 0.8);
  if (look.shape === 'circle') canvas.disc(center, 32, look.shapeSize, shapeColor);
  else canvas.rect(center - look.shapeSize, 32 - look.shapeSize, 2 * look.shapeSize, 2 * look.shapeSize, shapeColor);

  const ink: Rgb = luminance(hsv(look.hue, look.saturation, look.brightness)) > 0.5 ? [20, 20, 20] : [240, 240, 240];
  const textTop = look.textAt === 'top' ? 4 : 46;
  for (let line = 0; line < 3; line++) canvas.rect(4, textTop + line * 5, random.int(30, 56), 3, ink);

  if (look.hasCta) {
    const buttonTop = look.textAt === 'top' ? 48 : 5;
    canvas.rect(35, buttonTop, 26, 12, [30, 30, 30]);
    canvas.rect(36, buttonTop + 1, 24, 10, hsv((look.hue + 180) % 360, 0.9, 0.95));
    canvas.rect(41, buttonTop + 5, 14, 2, [255, 255, 255]);
  }
  return canvas.pixels;
}

export function encodeBanner(pixels: Buffer, format: ImageFormat): Promise<Buffer> {
  const image = sharp(pixels, { raw: { width: BANNER_SIZE, height: BANNER_SIZE, channels: 3 } });
  if (format === 'png') return image.png().toBuffer();
  if (format === 'jpeg') return image.jpeg({ quality: 90 }).toBuffer();
  return image.webp({ quality: 90 }).toBuffer();
}
