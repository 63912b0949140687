// Warnings for instances the model can score but knows little about: categories it never saw in
// training (scored as unknown) and times far from anything it was trained on.
import type { Example } from '../features/example';
import type { FittedTransform } from '../features/transform';

const DAY_MS = 86_400_000;
// A timestamp this far in the future, or this long before the training data, is probably a mistake.
const FUTURE_SLACK_MS = DAY_MS;
const PAST_SLACK_MS = 366 * DAY_MS;

// Formatted only for a warning: most instances have none.
const iso = (t: number) => new Date(t).toISOString();

export class InstanceWarnings {
  private readonly vocabularies: { name: string; values: Set<string> }[];

  constructor(private readonly transform: FittedTransform) {
    this.vocabularies = transform.categorical.flatMap((c) => (c.kind === 'vocabulary' ? [{ name: c.name, values: new Set(c.values) }] : []));
  }

  of(example: Example, now = Date.now()): string[] {
    const warnings: string[] = [];
    for (const { name, values } of this.vocabularies) {
      const value = example.f[name];
      if (typeof value === 'string' && !values.has(value))
        warnings.push(`${name} ${JSON.stringify(value)} was not seen in training; scored as an unknown ${name}`);
    }
    if (example.t > now + FUTURE_SLACK_MS) warnings.push(`the time ${iso(example.t)} is in the future`);
    else if (example.t < this.transform.fittedOn.from - PAST_SLACK_MS) warnings.push(`the time ${iso(example.t)} is more than a year before the training data`);
    return warnings;
  }
}
