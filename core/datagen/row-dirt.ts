// Spoils an exact number of rows, chosen uniformly at random while streaming: malformed rows (the
// pipeline cannot parse them) and out-of-range rows (they parse, but break the spec's bounds).
import { columnIndex } from './csv-row';
import type { Random } from '../random';

export const MALFORMED_KINDS = ['wrongFieldCount', 'badTimestamp', 'nonNumericAge', 'badLabel'] as const;
export const OUT_OF_RANGE_KINDS = ['userAge', 'hourOfDay'] as const;
export type MalformedKind = (typeof MALFORMED_KINDS)[number];
export type OutOfRangeKind = (typeof OUT_OF_RANGE_KINDS)[number];

export interface RowDirtCounts {
  malformed: Record<MalformedKind, number> & { total: number };
  outOfRange: Record<OutOfRangeKind, number> & { total: number };
}

const BAD_TIMESTAMPS = ['not-a-date', '2026-13-45T25:61:00Z', '31/10/2026 25:00'];
const BAD_AGES = ['thirty', 'unknown', '4O'];

export class RowDirt {
  readonly counts: RowDirtCounts = {
    malformed: { total: 0, wrongFieldCount: 0, badTimestamp: 0, nonNumericAge: 0, badLabel: 0 },
    outOfRange: { total: 0, userAge: 0, hourOfDay: 0 },
  };
  private rowsLeft: number;
  private malformedLeft: number;
  private outOfRangeLeft: number;

  constructor(
    rows: number,
    malformedFraction: number,
    outOfRangeFraction: number,
    private readonly random: Random,
  ) {
    this.rowsLeft = rows;
    this.malformedLeft = Math.round(rows * malformedFraction);
    this.outOfRangeLeft = Math.min(rows - this.malformedLeft, Math.round(rows * outOfRangeFraction));
  }

  /** Call once per row, in order; spoils the fields in place when this row is chosen, and says so.
   *  Selection sampling: a row is picked with probability (picks left) / (rows left), so counts are exact. */
  apply(fields: string[]): boolean {
    const roll = this.random.next() * this.rowsLeft--;
    if (roll < this.malformedLeft) {
      this.malformedLeft--;
      this.malform(fields);
      return true;
    }
    if (roll < this.malformedLeft + this.outOfRangeLeft) {
      this.outOfRangeLeft--;
      this.pushOutOfRange(fields);
      return true;
    }
    return false;
  }

  private malform(fields: string[]): void {
    const kind = this.random.pick(MALFORMED_KINDS);
    this.counts.malformed.total++;
    this.counts.malformed[kind]++;
    if (kind === 'wrongFieldCount') {
      if (this.random.chance(0.5)) fields.pop();
      else fields.push('unexpected');
    } else if (kind === 'badTimestamp') fields[columnIndex('timestamp')] = this.random.pick(BAD_TIMESTAMPS);
    else if (kind === 'nonNumericAge') fields[columnIndex('user_age')] = this.random.pick(BAD_AGES);
    else fields[columnIndex('clicked')] = this.random.chance(0.5) ? '2' : '';
  }

  private pushOutOfRange(fields: string[]): void {
    const kind = this.random.pick(OUT_OF_RANGE_KINDS);
    this.counts.outOfRange.total++;
    this.counts.outOfRange[kind]++;
    if (kind === 'userAge') fields[columnIndex('user_age')] = this.random.chance(0.5) ? '-5' : '400';
    else fields[columnIndex('hour_of_day')] = '30';
  }
}
