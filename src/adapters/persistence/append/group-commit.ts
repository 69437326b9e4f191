import type { CallLogEvent } from '../../../domain';
import type { Clock, LogHealth } from '../../../ports';
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
}

/**
 * Group commit: appends that arrive while a batch is being written wait and go together in the
 * next one, which starts the moment the previous write returns (no timer adds latency) and holds
 * at most `batchMax` events. Each append resolves when its batch is committed. While the database
 * is unreachable, batches go to the backlog instead (see Recovery). A batch the database rejects
 * outright is split, so only the faulty append fails.
 */
export class GroupCommit {
  private readonly queue = new BatchQueue();
  private readonly recovery: Recovery;
  private pumping = false;
  private closed = false;
  private idle: Array<() => void> = [];
  private readonly reservations = new Reservations();

  constructor(
    private readonly write: BatchWriter,
    backlog: Backlog,
    private readonly clock: Clock,
    private readonly opts: GroupCommitOptions,
    private readonly log: LogSink,
  ) {
    const retry = { baseMs: opts.retryBaseMs, maxMs: opts.retryMaxMs };
    this.recovery = new Recovery(backlog, write, log, clock, retry, () => this.kick());
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
  append(events: readonly CallLogEvent[]): Promise<void> {
    if (this.closed) return Promise.reject(new Error('the call log is closed'));
    if (events.length === 0) return Promise.resolve();
    const r = this.recovery;
    const outage = r.lastError !== null || r.backlog.size > 0;
    const refusal = this.reservations.refusal(events, this.pending(), outage, this.opts.maxBacklog);
    if (refusal !== null) return Promise.reject(new Error(refusal));
    this.reservations.accept(events);
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ events, resolve, reject });
      this.kick();
    });
  }

  /** Events not yet in the database, the last failure, and whether new calls must be refused. */
  health(): LogHealth {
    const backlog = this.pending();
    const { lastError } = this.recovery;
    return { backlog, lastError, full: backlog >= this.opts.maxBacklog };
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
    if (!this.pumping) void this.pump();
  }

  private retryNow(): void {
    this.recovery.retryNow();
    this.kick();
  }

  private whenIdle(): Promise<void> {
    return this.pumping ? new Promise((r) => this.idle.push(r)) : Promise.resolve();
  }

  private async pump(): Promise<void> {
    this.pumping = true;
    const r = this.recovery;
    try {
      for (;;) {
        const batch = this.queue.take(this.opts.batchMax);
        // Behind a backlog, new events queue up behind it, so the log keeps its order.
        if (batch.length > 0)
          await (r.backlog.size > 0 ? r.keep(batch, this.queue) : this.commit(batch));
        else if (!(r.backlog.size > 0 && r.due)) break;
        if (r.backlog.size > 0 && r.due) {
          await r.drain(this.opts.batchMax, () => this.pending(), this.closed);
        }
      }
    } finally {
      this.pumping = false;
      for (const resolve of this.idle.splice(0)) resolve();
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
