import type { InferenceEvent } from '../../domain';
import type { Clock, LogHealth } from '../../ports';
import { Backoff } from './backoff';
import { BatchQueue, eventsOf as flat, type Waiter } from './batch-queue';
import type { Backlog } from './backlog';
import { drainStep, type BatchWriter, type LogSink } from './drain';
import { describeError, isTransient } from './transient';

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
 * is unreachable, batches go to the backlog instead (resolving once there) and the backlog is
 * retried with backoff, oldest first. A batch the database rejects outright is split, so only the
 * faulty append fails.
 */
export class GroupCommit {
  private readonly queue = new BatchQueue();
  private pumping = false;
  private retryDue = false;
  private lastError: string | null = null;
  private closed = false;
  private idle: Array<() => void> = [];
  private readonly backoff: Backoff;

  constructor(
    private readonly write: BatchWriter,
    private readonly backlog: Backlog,
    private readonly clock: Clock,
    private readonly opts: GroupCommitOptions,
    private readonly log: LogSink,
  ) {
    this.backoff = new Backoff(clock, opts.retryBaseMs, opts.retryMaxMs);
  }

  /** Picks up a backlog a previous run left behind and starts writing it. */
  async start(): Promise<void> {
    const n = await this.backlog.load();
    if (n === 0) return;
    this.log.warn({ backlog: n, file: this.backlog.file }, 'call log: resuming a saved backlog');
    this.retryNow();
  }

  /** Resolves once the events are committed, or backlogged while the database is unreachable. */
  append(events: readonly InferenceEvent[]): Promise<void> {
    if (this.closed) return Promise.reject(new Error('the call log is closed'));
    if (events.length === 0) return Promise.resolve();
    // New calls stop at maxBacklog (health().full); calls already in flight get headroom.
    if (this.pending() + events.length > 2 * this.opts.maxBacklog) {
      return Promise.reject(new Error(`the call log backlog is full (${this.pending()} events)`));
    }
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ events, resolve, reject });
      this.kick();
    });
  }

  /** Events not yet in the database, the last failure, and whether new calls must be refused. */
  health(): LogHealth {
    const backlog = this.pending();
    return { backlog, lastError: this.lastError, full: backlog >= this.opts.maxBacklog };
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
      await new Promise<void>((r) => this.clock.schedule(Math.min(this.backoff.delay(), left), r));
    }
  }

  /** Refuses new appends, flushes for up to `timeoutMs`; what is left stays in the backlog. */
  async close(timeoutMs: number): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const flushed = await this.flush(timeoutMs);
    this.backoff.stop();
    if (!flushed) {
      const { size: n, file } = this.backlog;
      this.log.error(
        { backlog: n, file, err: this.lastError },
        file
          ? `call log: database unreachable at shutdown; ${n} events stay in ${file} for the next start`
          : `call log: database unreachable at shutdown; ${n} events were not recorded`,
      );
    }
    await this.backlog.close();
  }

  private pending(): number {
    return this.queue.events + this.backlog.size;
  }

  private kick(): void {
    if (!this.pumping) void this.pump();
  }

  private retryNow(): void {
    this.backoff.stop();
    this.retryDue = true;
    this.kick();
  }

  private whenIdle(): Promise<void> {
    return this.pumping ? new Promise((r) => this.idle.push(r)) : Promise.resolve();
  }

  private async pump(): Promise<void> {
    this.pumping = true;
    try {
      for (;;) {
        const batch = this.queue.take(this.opts.batchMax);
        if (batch.length > 0) {
          // Behind a backlog, new events queue up behind it, so the log keeps its order.
          await (this.backlog.size > 0 ? this.toBacklog(batch) : this.commit(batch));
        } else if (!(this.backlog.size > 0 && this.retryDue)) break;
        if (this.backlog.size > 0 && this.retryDue) await this.drain();
      }
    } finally {
      this.pumping = false;
      for (const resolve of this.idle.splice(0)) resolve();
    }
  }

  private async commit(batch: readonly Waiter[]): Promise<void> {
    try {
      await this.write(flat(batch));
      this.backoff.reset();
      this.lastError = null;
      this.queue.settle(batch);
    } catch (e) {
      if (isTransient(e)) {
        this.failed(e);
        await this.toBacklog(batch);
      } else if (batch.length > 1) {
        for (const w of batch)
          await (this.backlog.size > 0 ? this.toBacklog([w]) : this.commit([w]));
      } else {
        this.lastError = describeError(e);
        this.log.error({ err: this.lastError }, 'call log: the database refused an event');
        this.queue.settle(batch, e instanceof Error ? e : new Error(this.lastError));
      }
    }
  }

  private async toBacklog(batch: readonly Waiter[]): Promise<void> {
    try {
      await this.backlog.add(flat(batch));
      this.queue.settle(batch);
    } catch (e) {
      const why = `the database is unreachable and the backlog could not be saved: ${describeError(e)}`;
      this.log.error({ file: this.backlog.file }, `call log: ${why}`);
      this.queue.settle(batch, new Error(why));
    }
  }

  private async drain(): Promise<void> {
    const step = await drainStep(this.backlog, this.write, this.opts.batchMax, this.log);
    if (!step.ok) {
      this.retryDue = false;
      this.failed(step.error);
      return;
    }
    this.backoff.reset();
    if (this.backlog.size === 0) {
      this.lastError = null;
      this.log.info({}, 'call log: backlog drained into the database');
    }
  }

  private failed(e: unknown): void {
    const first = this.lastError === null;
    this.lastError = describeError(e);
    this.log.warn(
      { err: this.lastError, backlog: this.pending(), file: this.backlog.file },
      first
        ? 'call log: database unreachable; events wait in the backlog'
        : 'call log: database still unreachable',
    );
    if (this.closed) return;
    this.backoff.schedule(() => {
      this.retryDue = true;
      this.kick();
    });
  }
}
