// Stops what the main job started, newest first, once: on SIGINT/SIGTERM at any moment (start-up
// included) or at the end of `--once`. Prints one line saying what stopped.
import { log } from '../../core/log';

interface Part {
  name: string;
  stop: () => Promise<void>;
}

export class Stopper {
  private readonly parts: Part[] = [];
  private stopping?: Promise<void>;

  get stopped(): boolean {
    return this.stopping !== undefined;
  }

  /** Remembers a started part; returns it, for chaining after `await start()`. */
  track<T>(name: string, part: T, stop: (part: T) => Promise<void>): T {
    this.parts.push({ name, stop: () => stop(part) });
    return part;
  }

  /** Stops every tracked part (each failure is logged, not thrown) and says so on stdout. */
  stop(why: string): Promise<void> {
    this.stopping ??= (async () => {
      const started = performance.now();
      const names: string[] = [];
      for (const part of [...this.parts].reverse()) {
        try {
          await part.stop();
          names.push(part.name);
        } catch (error) {
          log.warn('could not stop cleanly', { part: part.name, error: (error as Error).message });
        }
      }
      console.log(`stopped (${why}): ${names.reverse().join(', ') || 'nothing had started'} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    })();
    return this.stopping;
  }

  /** On each signal: stop everything, then exit 0. */
  onSignals(signals: NodeJS.Signals[]): void {
    for (const signal of signals) process.on(signal, () => void this.stop(signal).then(() => process.exit(0)));
  }
}
