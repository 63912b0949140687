// What an ad's creative looks like: the attributes its image is rendered from and the click model reads.
import type { Random } from '../random';

export type ProductShape = 'box' | 'bottle' | 'ring';

export interface CreativeLook {
  /** Diagonal stripes behind the product, or a plain background. */
  pattern: 'plain' | 'striped';
  /** A dark frame around the whole creative. */
  border: boolean;
  /** Colour saturation of background and product, 0.05 (washed out) to 0.95 (vivid). */
  saturation: number;
  shape: ProductShape;
  /** Distractors: they change the pixels, not the clicks. */
  hue: number;
  brightness: number;
}

const SHAPES: readonly ProductShape[] = ['box', 'bottle', 'ring'];

export function randomCreativeLook(random: Random): CreativeLook {
  return {
    pattern: random.chance(0.4) ? 'striped' : 'plain',
    border: random.chance(0.35),
    saturation: random.uniform(0.05, 0.95),
    shape: random.pick(SHAPES),
    hue: random.uniform(0, 360),
    brightness: random.uniform(0.55, 0.9),
  };
}
