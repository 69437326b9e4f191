import { setMaxListeners } from 'node:events';

/** Runs `fn` after `ms`; returns a cancel function (the Clock port's `schedule`). */
type Schedule = (ms: number, fn: () => void) => () => void;

/** What a shutdown did: calls running at its start, aborted upstream, still running at its end. */
export interface ShutdownOutcome {
  readonly inFlight: number;
  readonly aborted: number;
  readonly left: number;
}

/** How long aborted calls get to record their outcome. */
const ABORT_GRACE_MS = 5_000;

/** What `raceShutdown` resolves with when shutdown came first. */
export const SHUTTING_DOWN = Symbol('shutting down');

/**
 * The calls a service instance is running, for a shutdown that loses nothing: it stops new
 * calls and calls still waiting for rate-limit capacity (`stopping`), waits for the calls in
 * flight, and aborts those still upstream when its time is up (each is then recorded
 * `cancelled` by the use case).
 */
export class InFlightCalls {
  private readonly stop = ((c) => {
    // One listener per call waiting on the limiter: many at once is normal, not a leak.
    setMaxListeners(0, c.signal);
    return c;
  })(new AbortController());
  private readonly upstream = new Map<string, AbortController>();
  private stopAll: Error | undefined;
  private running = 0;
  private idle: Array<() => void> = [];

  /** True once shutdown has begun: new calls and limiter waiters are refused. */
  get stopping(): boolean {
    return this.stop.signal.aborted;
  }

  /** Calls running (validated and not yet answered). */
  get size(): number {
    return this.running;
  }

  /** Counts a call until the returned function is called. */
  track(): () => void {
    this.running++;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      if (--this.running === 0) for (const r of this.idle.splice(0)) r();
    };
  }

  /** A signal that aborts the call's upstream request at shutdown; `release` when it ends. */
  sendUpstream(callId: string): { signal: AbortSignal; release: () => void } {
    const c = new AbortController();
    if (this.stopAll) c.abort(this.stopAll);
    this.upstream.set(callId, c);
    return { signal: c.signal, release: () => this.upstream.delete(callId) };
  }

  /** `p`, unless shutdown begins first; `onLate` then receives what `p` brings later. */
  raceShutdown<T>(p: Promise<T>, onLate: (value: T) => void): Promise<T | typeof SHUTTING_DOWN> {
    if (this.stopping) {
      void p.then(onLate, () => undefined);
      return Promise.resolve(SHUTTING_DOWN);
    }
    return new Promise((resolve, reject) => {
      let lost = false;
      const onStop = () => {
        lost = true;
        resolve(SHUTTING_DOWN);
      };
      this.stop.signal.addEventListener('abort', onStop, { once: true });
      p.then(
        (v) => {
          this.stop.signal.removeEventListener('abort', onStop);
          if (lost) onLate(v);
          else resolve(v);
        },
        (e: unknown) => {
          this.stop.signal.removeEventListener('abort', onStop);
          if (!lost) reject(e);
        },
      );
    });
  }

  /**
   * Shuts down: refuses new calls and limiter waiters now, waits up to `timeoutMs` for the calls
   * in flight, then aborts those still upstream and waits for them to be recorded.
   */
  async shutdown(timeoutMs: number, schedule: Schedule): Promise<ShutdownOutcome> {
    this.stop.abort(new Error('the service is shutting down'));
    const inFlight = this.running;
    if (await this.idleWithin(timeoutMs, schedule)) return { inFlight, aborted: 0, left: 0 };
    this.stopAll = new Error(`still upstream after shutdown_timeout_ms (${timeoutMs} ms)`);
    const aborted = this.upstream.size;
    for (const c of this.upstream.values()) c.abort(this.stopAll);
    // Aborted calls record their outcome at once; the grace only bounds a stuck port.
    await this.idleWithin(ABORT_GRACE_MS, schedule);
    return { inFlight, aborted, left: this.running };
  }

  private async idleWithin(ms: number, schedule: Schedule): Promise<boolean> {
    if (this.running === 0) return true;
    let cancel: (() => void) | undefined;
    const idle = await Promise.race([
      new Promise<boolean>((r) => this.idle.push(() => r(true))),
      new Promise<boolean>((r) => (cancel = schedule(ms, () => r(false)))),
    ]);
    cancel?.();
    return idle;
  }
}
