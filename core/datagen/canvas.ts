// A 64×64 RGB pixel canvas with the few drawing operations generated ad images need.
export const CANVAS_SIZE = 64;

export type Rgb = [number, number, number];

/** HSV (hue in degrees, saturation and value in 0..1) to 0..255 RGB. */
export function hsv(hue: number, saturation: number, value: number): Rgb {
  const f = (n: number) => {
    const k = (n + hue / 60) % 6;
    return Math.round(255 * (value - value * saturation * Math.max(0, Math.min(k, 4 - k, 1))));
  };
  return [f(5), f(3), f(1)];
}

export const luminance = ([r, g, b]: Rgb) => (0.299 * r + 0.587 * g + 0.114 * b) / 255;

export class Canvas {
  readonly pixels = Buffer.alloc(CANVAS_SIZE * CANVAS_SIZE * 3);

  set(x: number, y: number, [r, g, b]: Rgb): void {
    if (x < 0 || y < 0 || x >= CANVAS_SIZE || y >= CANVAS_SIZE) return;
    const i = (y * CANVAS_SIZE + x) * 3;
    this.pixels[i] = r;
    this.pixels[i + 1] = g;
    this.pixels[i + 2] = b;
  }

  rect(x0: number, y0: number, width: number, height: number, color: Rgb): void {
    for (let y = y0; y < y0 + height; y++) for (let x = x0; x < x0 + width; x++) this.set(x, y, color);
  }

  disc(cx: number, cy: number, radius: number, color: Rgb): void {
    for (let y = cy - radius; y <= cy + radius; y++) {
      for (let x = cx - radius; x <= cx + radius; x++) if ((x - cx) ** 2 + (y - cy) ** 2 <= radius ** 2) this.set(x, y, color);
    }
  }
}
