import type { CallLogEvent } from '../../../domain';
import type { AppendTiming, Clock, LogHealth } from '../../../ports';
import type { Backlog } from './backlog';
import { BatchQueue, eventsOf, type Waiter } from './batch-queue';
import type { BatchWriter, LogSink } from './drain';
import { Recovery } from './recovery';
import { Reservations } from './reservations';
import { describeError, isTransient, publicDescription } from './transient';

/** Batching and backlog settings. */
export interface GroupCommitOptions {
  /** Most events in one batch. */
  readonly batchMax: number;
  /** Events not yet in the database at which new calls are refused (`health().full`). */
  readonly maxBacklog: number;
  readonly retryBaseMs: number;
  readonly retryMaxMs: number;
  /**
   * A write (a batch, or a backlog retry) not done within this is abandoned as a passing failure,
   * so a hung database turns into the journal in bounded time whatever the driver does; the
   * write may still commit later, which is harmless (appends are idempotent). None when absent.
   */
  readonly writeTimeoutMs?: number;
  /**
   * Batches in flight at once, each on its own connection (default 1). Concurrent batches hold
   * only appends that were waiting together, none of which waits on another, so their commit
   * order does not matter; the log positions are then no longer in commit order.
   */
  readonly lanes?: number;
}

/**
 * Group commit: appends that arrive while a batch is being written wait and go together in the
 * next one, which starts the moment the previous write returns (no timer adds latency) and holds
 * at most `batchMax` events. Each append resolves when its batch is committed. While the database
 * is unreachable, batches go to the backlog instead (see Recovery). A batch the database rejects
 * outright is split, so only the faulty append fails. The backlog is retried alongside, never in
 * front of new appends: while a retry waits on a slow or frozen database, new batches keep going
 * to the journal behind it.
 */
export class GroupCommit {
  private readonly queue = new BatchQueue();
  private readonly recovery: Recovery;
  private readonly write: BatchWriter;
  /** Writers running: at most `lanes`, each with one batch in flight. */
  private pumps = 0;
  private draining = false;
  private closed = false;
  private idle: Array<() => void> = [];
  private readonly reservations = new Reservations();

  constructor(
    write: BatchWriter,
    backlog: Backlog,
    private readonly clock: Clock,
    private readonly opts: GroupCommitOptions,
    private readonly log: LogSink,
  ) {
    const retry = { baseMs: opts.retryBaseMs, maxMs: opts.retryMaxMs };
    this.write = withDeadline(write, clock, opts.writeTimeoutMs);
    this.recovery = new Recovery(backlog, this.write, log, clock, retry, () => this.kick());
  }

  /** Picks up a backlog a previous run left behind and starts writing it. */
  async start(): Promise<void> {
    const { backlog } = this.recovery;
    const n = await backlog.load();
    if (n === 0) return;
    this.log.warn(
      { backlog: n, corrupt: backlog.corrupt, file: backlog.file },
      'call log: resuming a saved backlog',
    );
    this.retryNow();
  }

  /** Resolves once the events are committed, or backlogged while the database is unreachable. */
  append(events: readonly CallLogEvent[]): Promise<AppendTiming> {
    if (this.closed) return Promise.reject(new Error('the call log is closed'));
    if (events.length === 0) return Promise.resolve({ waitMs: 0, workMs: 0 });
    const r = this.recovery;
    const outage = r.lastError !== null || r.backlog.size > 0;
    const refusal = this.reservations.refusal(events, this.pending(), outage, this.opts.maxBacklog);
    if (refusal !== null) return Promise.reject(new Error(refusal));
    this.reservations.accept(events);
    return new Promise<AppendTiming>((resolve, reject) => {
      this.queue.push({ events, resolve, reject });
      this.kick();
    });
  }

  /** Events not yet in the database, the last failure, and whether new calls must be refused. */
  health(): LogHealth {
    const backlog = this.pending();
    const { lastError, unreachable, journalError } = this.recovery;
    return {
      backlog,
      lastError,
      full: backlog >= this.opts.maxBacklog,
      database: unreachable ? 'unreachable' : 'connected',
      journalError,
    };
  }

  /** Retries now and waits until everything is in the database or `timeoutMs` has passed. */
  async flush(timeoutMs: number): Promise<boolean> {
    const deadline = this.clock.now() + timeoutMs;
    for (;;) {
      this.retryNow();
      await this.whenIdle();
      if (this.pending() === 0) return true;
      const left = deadline - this.clock.now();
      if (left <= 0) return false;
      const wait = Math.min(this.recovery.delay(), left);
      await new Promise<void>((r) => this.clock.schedule(wait, r));
    }
  }

  /** Refuses new appends, flushes for up to `timeoutMs`; what is left stays in the backlog. */
  async close(timeoutMs: number): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const flushed = await this.flush(timeoutMs);
    await this.recovery.shutDown(flushed);
  }

  private pending(): number {
    return this.queue.events + this.recovery.backlog.size;
  }

  private kick(): void {
    const r = this.recovery;
    if (!this.draining && r.due && r.backlog.size > 0) void this.drainBacklog();
    const lanes = this.opts.lanes ?? 1;
    // A writer takes its batch before its first await, so each loop takes what is waiting.
    while (this.pumps < lanes && this.queue.waiting > 0) void this.pump();
  }

  /** Retries now and starts the writers. */
  retryNow(): void {
    this.recovery.retryNow();
    this.kick();
  }

  private whenIdle(): Promise<void> {
    return this.pumps > 0 || this.draining
      ? new Promise((r) => this.idle.push(r))
      : Promise.resolve();
  }

  private wakeIdle(): void {
    if (this.pumps === 0 && !this.draining) for (const resolve of this.idle.splice(0)) resolve();
  }

  /** Writes new appends: to the database, or behind a backlog (or a retry of one) in the journal. */
  private async pump(): Promise<void> {
    this.pumps++;
    const r = this.recovery;
    try {
      for (;;) {
        const batch = this.queue.take(this.opts.batchMax);
        if (batch.length === 0) break;
        // Behind a backlog new events queue up in the journal, so the log keeps its order.
        await (r.backlog.size > 0 || this.draining
          ? r.keep(batch, this.queue)
          : this.commit(batch));
        if (!this.draining && r.due && r.backlog.size > 0) void this.drainBacklog();
      }
    } finally {
      this.pumps--;
      this.wakeIdle();
    }
  }

  /** Writes the backlog into the database, oldest first, until it is empty or a retry fails. */
  private async drainBacklog(): Promise<void> {
    this.draining = true;
    const r = this.recovery;
    try {
      while (r.due && r.backlog.size > 0) {
        await r.drain(this.opts.batchMax, () => this.pending(), this.closed);
      }
    } finally {
      this.draining = false;
      // Appends that went to the journal during the last step are drained in the next retry.
      if (this.pumps === 0 && this.queue.events > 0) void this.pump();
      this.wakeIdle();
    }
  }

  private async commit(batch: readonly Waiter[]): Promise<void> {
    const r = this.recovery;
    try {
      await this.write(eventsOf(batch));
      r.succeeded();
      this.queue.settle(batch);
    } catch (e) {
      if (isTransient(e)) {
        r.failed(e, this.pending(), this.closed);
        await r.keep(batch, this.queue);
      } else if (batch.length > 1) {
        for (const w of batch)
          await (r.backlog.size > 0 ? r.keep([w], this.queue) : this.commit([w]));
      } else {
        r.lastError = publicDescription(e);
        this.log.error({ err: describeError(e) }, 'call log: the database refused an event');
        this.queue.settle(batch, e instanceof Error ? e : new Error(r.lastError));
      }
    }
  }
}

/** A passing failure: the database did not answer a write in time. */
export class WriteTimeoutError extends Error {
  override readonly name = 'WriteTimeoutError';
  constructor(ms: number) {
    super(`the database did not answer a write within ${ms} ms`);
  }
}

/** `write` bounded by `ms` on the clock (unbounded when `ms` is undefined). */
const withDeadline =
  (write: BatchWriter, clock: Clock, ms: number | undefined): BatchWriter =>
  (events) =>
    ms === undefined
      ? write(events)
      : new Promise<void>((resolve, reject) => {
          const cancel = clock.schedule(ms, () => reject(new WriteTimeoutError(ms)));
          write(events).then(
            () => {
              cancel();
              resolve();
            },
            (e: unknown) => {
              cancel();
              reject(e);
            },
          );
        });
