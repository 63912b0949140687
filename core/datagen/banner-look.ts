// What an ad's banner looks like: the attributes the image is rendered from and the click model reads.
import type { Random } from '../random';

export interface BannerLook {
  /** Background hue in degrees; warm (red–orange–yellow) hues attract clicks, cool ones less. */
  hue: number;
  saturation: number;
  /** Background value (HSV), 0.3–0.95. */
  brightness: number;
  /** A contrasting call-to-action button. */
  hasCta: boolean;
  /** Where the text bars sit; the button, if any, sits on the opposite side. */
  textAt: 'top' | 'bottom';
  /** The product shape in the middle: a distractor with no effect on clicks. */
  shape: 'circle' | 'square';
  shapeHue: number;
  shapeSize: number;
}

export function randomBannerLook(random: Random): BannerLook {
  return {
    hue: random.uniform(0, 360),
    saturation: random.uniform(0.35, 0.9),
    brightness: random.uniform(0.3, 0.95),
    hasCta: random.chance(0.5),
    textAt: random.chance(0.5) ? 'top' : 'bottom',
    shape: random.chance(0.5) ? 'circle' : 'square',
    shapeHue: random.uniform(0, 360),
    shapeSize: random.int(7, 11),
  };
}
