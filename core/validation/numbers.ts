// Number formatting for messages people read: three significant digits, no exponent noise.

export function percent(fraction: number): string {
  return `${Number((fraction * 100).toPrecision(3))}%`;
}

export function decimal(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(3)));
}
