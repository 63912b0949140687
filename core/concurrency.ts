// Runs an async function over items with at most `limit` in flight (image decoding, banner writing).
export async function forEachConcurrently<T>(items: readonly T[], limit: number, run: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next++;
      await run(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}

/** Lets one caller at a time through, in arrival order; a waiting caller is called back every `everyMs`
 *  (an activity heartbeats while it waits its turn). If that callback throws (the activity was
 *  cancelled), the caller gives up its place at once with that error; the callers behind it still wait
 *  for the one ahead. */
export class Turnstile {
  private queue: Promise<void> = Promise.resolve();

  async pass<T>(run: () => Promise<T>, whileWaiting: () => void = () => {}, everyMs = 1000): Promise<T> {
    const previous = this.queue;
    let leave!: () => void;
    this.queue = new Promise<void>((resolve) => (leave = resolve));
    let giveUp!: (error: unknown) => void;
    const gaveUp = new Promise<never>((_, reject) => (giveUp = reject));
    const waiting = setInterval(() => {
      try {
        whileWaiting();
      } catch (error) {
        giveUp(error);
      }
    }, everyMs);
    try {
      await Promise.race([previous, gaveUp]);
    } catch (error) {
      void previous.then(leave);
      throw error;
    } finally {
      clearInterval(waiting);
    }
    try {
      return await run();
    } finally {
      leave();
    }
  }
}
