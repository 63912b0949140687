// Errors callers act on: a lost promotion race is retried or reported, the others are mistakes.

/** The champion changed between the caller's decision and the write; exactly one racing promotion wins. */
export class ConcurrentPromotionError extends Error {
  constructor(
    readonly version: number,
    readonly expectedCurrent: number | null | undefined,
    readonly actualCurrent: number | null,
  ) {
    super(
      `Cannot promote v${version}: the champion is ${actualCurrent === null ? 'none' : `v${actualCurrent}`}` +
        (expectedCurrent === undefined
          ? ' and another promotion changed it first'
          : `, not ${expectedCurrent === null ? 'none' : `v${expectedCurrent}`} as expected`),
    );
    this.name = 'ConcurrentPromotionError';
  }
}

export class VersionNotFoundError extends Error {
  constructor(readonly version: number) {
    super(`No registered model version v${version}`);
    this.name = 'VersionNotFoundError';
  }
}

/** A status change the registry refuses, e.g. promoting a rejected version without force. */
export class InvalidTransitionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidTransitionError';
  }
}
