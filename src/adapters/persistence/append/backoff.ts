import type { Clock } from '../../../ports';

/** Exponential backoff between retries: base, 2×base, 4×base … capped; one timer at a time. */
export class Backoff {
  private attempt = 0;
  private cancel: (() => void) | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly baseMs: number,
    private readonly maxMs: number,
  ) {}

  /** The wait before the next retry. */
  delay(): number {
    return Math.min(this.baseMs * 2 ** this.attempt, this.maxMs);
  }

  /** Runs `fn` after the next delay, unless a retry is already scheduled. */
  schedule(fn: () => void): void {
    if (this.cancel) return;
    const ms = this.delay();
    this.attempt = Math.min(this.attempt + 1, 30);
    this.cancel = this.clock.schedule(ms, () => {
      this.cancel = undefined;
      fn();
    });
  }

  /** Cancels a scheduled retry. */
  stop(): void {
    this.cancel?.();
    this.cancel = undefined;
  }

  /** Back to the base delay after a success. */
  reset(): void {
    this.attempt = 0;
  }
}
