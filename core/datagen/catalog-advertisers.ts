// Who owns each catalogue ad. Advertisers join the catalogue one per ADS_PER_ADVERTISER ads and take
// new ads while they are among the OPEN_ADVERTISERS latest to join, in proportion to their size, so a
// few big advertisers run many ads, and advertisers come and go as the catalogue slides on. Everything
// derives from (catalogue seed, index), so an ad's owner is the same in every month that serves it.
import type { Random } from '../random';

const ADS_PER_ADVERTISER = 10;
const OPEN_ADVERTISERS = 40;

export class CatalogAdvertisers<A extends { size: number }> {
  private readonly made = new Map<number, A>();

  /** make(index, random) draws one advertiser, including its size (a relative share of new ads). */
  constructor(
    private readonly catalog: Random,
    private readonly make: (index: number, random: Random) => A,
  ) {}

  advertiser(index: number): A {
    let advertiser = this.made.get(index);
    if (!advertiser) {
      advertiser = this.make(index, this.catalog.fork(`advertiser:${index}`));
      this.made.set(index, advertiser);
    }
    return advertiser;
  }

  /** The advertiser index that owns the ad; one draw from the ad's own stream. */
  ownerOf(adIndex: number, adRandom: Random): number {
    const newest = Math.floor(adIndex / ADS_PER_ADVERTISER);
    const open = Array.from({ length: Math.min(OPEN_ADVERTISERS, newest + 1) }, (_, k) => newest - k);
    const total = open.reduce((sum, index) => sum + this.advertiser(index).size, 0);
    let target = adRandom.next() * total;
    for (const index of open) {
      target -= this.advertiser(index).size;
      if (target < 0) return index;
    }
    return open.at(-1)!;
  }
}
