// How far a month may stray before validation warns or blocks the run. A flat object of numbers, so
// configuration can map one environment variable to each.

export interface ValidationThresholds {
  /** Fewer examples than this block: the month is too small to validate or train on. */
  minExamples: number;
  /** Share of a numeric feature's values outside the schema domain that warns… */
  outOfDomainWarn: number;
  /** …and that blocks. */
  outOfDomainBlock: number;
  /** Share of categorical values outside the schema domain that blocks (the schema's own allowance warns). */
  unseenBlock: number;
  /** Click rates below this block: clicks are probably not being joined to impressions. */
  labelRateMin: number;
  /** Click rates above this block: no display campaign converts like that; the label is suspect. */
  labelRateMax: number;
  /** A click rate this many times higher or lower than last month's warns. */
  labelRateChangeWarn: number;
  /** Share of the month's distinct images missing or unreadable that warns… */
  imageFailureWarn: number;
  /** …and that blocks. */
  imageFailureBlock: number;
  /** Jensen–Shannon divergence (bits) of a numeric histogram from last month's that warns… */
  jsWarn: number;
  /** …and that blocks. */
  jsBlock: number;
  /** L-infinity distance of a categorical distribution from last month's that warns… */
  lInfWarn: number;
  /** …and that blocks. */
  lInfBlock: number;
}

export const defaultValidationThresholds: ValidationThresholds = {
  minExamples: 100,
  // A trickle of out-of-range values is worth a look; 5% means the feature changed meaning or unit.
  outOfDomainWarn: 0.001,
  outOfDomainBlock: 0.05,
  // A tenth of traffic in values the vocabulary maps to out-of-vocabulary degrades the model.
  unseenBlock: 0.1,
  // The generator's months sit near 2%; real display ads run 0.1%–5%.
  labelRateMin: 0.001,
  labelRateMax: 0.5,
  labelRateChangeWarn: 2,
  // A few broken banners are routine; a tenth of them means the upload went wrong.
  imageFailureWarn: 0.01,
  imageFailureBlock: 0.1,
  // A bell-shaped feature whose mean moves by 0.8 std reaches 0.1, by 1.5 std 0.3.
  jsWarn: 0.1,
  jsBlock: 0.3,
  // One value's share moving by 10 points warns and by 30 points (a mix flipping) blocks.
  lInfWarn: 0.1,
  lInfBlock: 0.3,
};
