// One id shard in memory per worker at a time: the turnstile lets one caller through, in arrival
// order, calls waiting callers back (their heartbeats), and lets the next through when one throws.
import { describe, expect, it } from 'vitest';
import { Turnstile } from '../core/concurrency';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Turnstile', () => {
  it('runs callers one at a time in arrival order, calling the waiting ones back, and survives a failure', async () => {
    const turnstile = new Turnstile();
    const events: string[] = [];
    let inside = 0;
    let mostInside = 0;
    const waitedBeats = [0, 0, 0, 0];
    const caller = (n: number, ms: number, fail = false) =>
      turnstile.pass(
        async () => {
          inside += 1;
          mostInside = Math.max(mostInside, inside);
          events.push(`start ${n}`);
          await pause(ms);
          events.push(`end ${n}`);
          inside -= 1;
          if (fail) throw new Error(`caller ${n} failed`);
          return n;
        },
        () => (waitedBeats[n] = waitedBeats[n]! + 1),
        20,
      );
    const results = await Promise.allSettled([caller(0, 150), caller(1, 30, true), caller(2, 30), caller(3, 10)]);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([0, 'caller 1 failed', 2, 3]);
    expect(mostInside).toBe(1);
    expect(events).toEqual(['start 0', 'end 0', 'start 1', 'end 1', 'start 2', 'end 2', 'start 3', 'end 3']);
    // The first never waited; the others were called back while they waited (the last the longest).
    expect(waitedBeats[0]).toBe(0);
    expect(waitedBeats[1]).toBeGreaterThan(2);
    expect(waitedBeats[3]).toBeGreaterThan(waitedBeats[1]!);
  });

  it('lets a caller whose waiting callback throws (a cancelled activity) leave at once, and keeps the order behind it', async () => {
    const turnstile = new Turnstile();
    const events: string[] = [];
    let release!: () => void;
    const holder = turnstile.pass(async () => {
      events.push('holder in');
      await new Promise<void>((resolve) => (release = resolve));
      events.push('holder out');
    });
    const cancelled = turnstile.pass(
      async () => events.push('cancelled in'),
      () => {
        throw new Error('cancelled: the run was cancelled');
      },
      10,
    );
    const next = turnstile.pass(async () => events.push('next in'));
    await expect(cancelled).rejects.toThrow('cancelled: the run was cancelled');
    // It left while the holder was still inside; the one behind it had to wait for the holder.
    expect(events).toEqual(['holder in']);
    release();
    await Promise.all([holder, next]);
    expect(events).toEqual(['holder in', 'holder out', 'next in']);
  });
});
