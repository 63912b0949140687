// Errors the prediction service reports to its callers (the API maps them to 503 and 400).

export class NoChampionError extends Error {
  constructor() {
    super('no champion model has been promoted yet');
    this.name = 'NoChampionError';
  }
}

export interface InstanceProblem {
  index: number;
  reason: string;
}

/** Some instances of a request cannot be scored; the request is refused as a whole, naming each. */
export class InvalidInstancesError extends Error {
  constructor(readonly problems: InstanceProblem[]) {
    const [first] = problems;
    super(`instances[${first?.index}]: ${first?.reason}${problems.length > 1 ? ` (and ${problems.length - 1} more invalid instances)` : ''}`);
    this.name = 'InvalidInstancesError';
  }
}
