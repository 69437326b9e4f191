import type { Clock } from '../../ports';

/** The real clock. Timers are unref'd so a pending limiter wait never keeps the process up. */
export class SystemClock implements Clock {
  now(): number {
    return Date.now();
  }

  schedule(ms: number, fn: () => void): () => void {
    const t = setTimeout(fn, ms);
    t.unref();
    return () => clearTimeout(t);
  }
}
