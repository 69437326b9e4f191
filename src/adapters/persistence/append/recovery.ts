import type { Clock } from '../../../ports';
import { Backoff } from './backoff';
import type { Backlog } from './backlog';
import { eventsOf, type BatchQueue, type Waiter } from './batch-queue';
import { drainStep, type BatchWriter, type LogSink } from './drain';
import { describeError, publicDescription } from './transient';

/**
 * The outage side of the call log: batches that could not reach the database go to the backlog
 * (their appends resolve once it holds them), the backlog is retried with backoff, oldest first,
 * and the last failure is kept for `status.logging`.
 */
export class Recovery {
  /** The last failure, until the database takes writes again. */
  lastError: string | null = null;
  /** A retry is due: the backoff has elapsed, or someone asked for one. */
  due = false;
  /** Writes are failing for a passing reason (the database is away): events go to the backlog. */
  unreachable = false;
  /** Why the backlog journal could not take the last batch that needed it, or null. */
  journalError: string | null = null;
  private readonly backoff: Backoff;

  constructor(
    readonly backlog: Backlog,
    private readonly write: BatchWriter,
    private readonly log: LogSink,
    clock: Clock,
    retry: { readonly baseMs: number; readonly maxMs: number },
    private readonly onDue: () => void,
  ) {
    this.backoff = new Backoff(clock, retry.baseMs, retry.maxMs);
  }

  /** The wait before the next retry. */
  delay(): number {
    return this.backoff.delay();
  }

  /** Makes a retry due now. */
  retryNow(): void {
    this.backoff.stop();
    this.due = true;
  }

  /** Stops retrying; says what stays in the backlog file (or was lost) when not `flushed`. */
  async shutDown(flushed: boolean): Promise<void> {
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

  /** The database took a write. */
  succeeded(): void {
    this.backoff.reset();
    this.lastError = null;
    this.unreachable = false;
    this.journalError = null;
  }

  /** Records a failure, says so once per outage, and schedules a retry unless `final`. */
  failed(e: unknown, pending: number, final: boolean): void {
    const first = !this.unreachable;
    this.unreachable = true;
    this.lastError = publicDescription(e);
    this.log.warn(
      { err: describeError(e), backlog: pending, file: this.backlog.file },
      first
        ? 'call log: database unreachable; events wait in the backlog'
        : 'call log: database still unreachable',
    );
    if (!final) {
      this.backoff.schedule(() => {
        this.due = true;
        this.onDue();
      });
    }
  }

  /** Puts a batch in the backlog and settles its appends: resolved once held, else rejected. */
  async keep(batch: readonly Waiter[], queue: BatchQueue): Promise<void> {
    try {
      await this.backlog.add(eventsOf(batch));
      this.journalError = null;
      queue.settle(batch);
    } catch (e) {
      const why = `the database is unreachable and the backlog could not be saved: ${describeError(e)}`;
      this.journalError = journalDescription(e);
      this.log.error({ file: this.backlog.file }, `call log: ${why}`);
      queue.settle(batch, new Error(why));
    }
  }

  /** Writes the oldest backlogged events; on a passing failure, waits for the next retry. */
  async drain(batchMax: number, pending: () => number, final: boolean): Promise<void> {
    const step = await drainStep(this.backlog, this.write, batchMax, this.log);
    if (!step.ok) {
      this.due = false;
      this.failed(step.error, pending(), final);
      return;
    }
    this.backoff.reset();
    if (this.backlog.size === 0) {
      this.lastError = null;
      this.unreachable = false;
      this.log.info({}, 'call log: backlog drained into the database');
    }
  }
}

/** What status shows of a journal write failure: its code, never a path or a message. */
const journalDescription = (e: unknown): string => {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[A-Z0-9_]{2,40}$/.test(code)
    ? `the backlog journal could not be written (${code})`
    : 'the backlog journal could not be written';
};
