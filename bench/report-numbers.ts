// How benchmarks print what they measured: the machine's load beside each figure (runs here share the
// machine), counts with thousands separators, and the median of interleaved rounds.
import os from 'node:os';

/** The 1, 5 and 15-minute load averages. */
export const loadAverages = () =>
  os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');

export const thousands = (x: number) => Math.round(x).toLocaleString('en-US');

/** The middle value (the upper one of the two middle values for an even count). */
export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
