// Renders a creative look as a 64×64 PNG: stripes 4 px wide (2 px after the pipeline's 32×32
// downscale), a 4 px frame, saturation in every coloured pixel, and the product's silhouette.
import sharp from 'sharp';
import { Canvas, CANVAS_SIZE, hsv, type Rgb } from '../datagen/canvas';
import type { Random } from '../random';
import type { CreativeLook } from './creative-look';

const FRAME = [24, 24, 28] as Rgb;
const BORDER_WIDTH = 4;

const clamp = (c: number) => Math.min(255, Math.max(0, c));

function drawProduct(canvas: Canvas, look: CreativeLook, cx: number, cy: number): void {
  // The product is the complementary hue, lighter than the background, at the same saturation.
  const color = hsv((look.hue + 180) % 360, look.saturation, Math.min(1, look.brightness + 0.1));
  const outline: Rgb = [40, 40, 40];
  if (look.shape === 'box') {
    canvas.rect(cx - 13, cy - 10, 26, 20, outline);
    canvas.rect(cx - 12, cy - 9, 24, 18, color);
  } else if (look.shape === 'bottle') {
    canvas.rect(cx - 7, cy - 8, 14, 24, outline);
    canvas.rect(cx - 6, cy - 7, 12, 22, color);
    canvas.rect(cx - 3, cy - 16, 6, 9, color);
  } else {
    for (let y = cy - 13; y <= cy + 13; y++) {
      for (let x = cx - 13; x <= cx + 13; x++) {
        const r2 = (x - cx) ** 2 + (y - cy) ** 2;
        if (r2 <= 13 ** 2 && r2 >= 7 ** 2) canvas.set(x, y, r2 > 12 ** 2 || r2 < 8 ** 2 ? outline : color);
      }
    }
  }
}

/** Raw RGB pixels; random supplies only the noise and where exactly the product sits. */
export function renderCreative(look: CreativeLook, random: Random): Buffer {
  const canvas = new Canvas();
  const base = hsv(look.hue, look.saturation, look.brightness);
  const stripe = hsv(look.hue, look.saturation, look.brightness * 0.6);
  for (let y = 0; y < CANVAS_SIZE; y++) {
    for (let x = 0; x < CANVAS_SIZE; x++) {
      const color = look.pattern === 'striped' && Math.floor((x + y) / 4) % 2 === 0 ? stripe : base;
      const noise = random.int(-5, 5);
      canvas.set(x, y, color.map((c) => clamp(c + noise)) as Rgb);
    }
  }
  drawProduct(canvas, look, 32 + random.int(-3, 3), 34 + random.int(-3, 3));
  if (look.border) {
    canvas.rect(0, 0, CANVAS_SIZE, BORDER_WIDTH, FRAME);
    canvas.rect(0, CANVAS_SIZE - BORDER_WIDTH, CANVAS_SIZE, BORDER_WIDTH, FRAME);
    canvas.rect(0, 0, BORDER_WIDTH, CANVAS_SIZE, FRAME);
    canvas.rect(CANVAS_SIZE - BORDER_WIDTH, 0, BORDER_WIDTH, CANVAS_SIZE, FRAME);
  }
  return canvas.pixels;
}

export function encodeCreative(pixels: Buffer): Promise<Buffer> {
  return sharp(pixels, { raw: { width: CANVAS_SIZE, height: CANVAS_SIZE, channels: 3 } })
    .png()
    .toBuffer();
}
