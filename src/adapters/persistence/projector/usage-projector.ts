import type { Knex } from 'knex';
import type { CallLogEvent } from '../../../domain';
import type { Clock, ProjectionLag } from '../../../ports';
import type { LogSink } from '../append/drain';
import { describeError } from '../append/transient';
import type { DatabaseAvailability } from '../database-availability';
import { usagePayloadOf } from '../projections/usage.sql';
import { APPLY_BATCH_SQL, PROJECTOR_LOCK, READ_BATCH_SQL, readUsageLag } from './projector-sql';

/** How often and how much the projector works. */
export interface UsageProjectorOptions {
  readonly clock: Clock;
  readonly log: LogSink;
  readonly availability?: DatabaseAvailability;
  /** Most events applied in one step (default 2000). */
  readonly batchSize?: number;
  /**
   * After a commit's kick, how long to wait for more events to fold into the same batch
   * (default 100; a read that waits for the projection asks for a step at once).
   */
  readonly delayMs?: number;
  /**
   * How often it looks for events with no kick (other instances', replayed ones), or tries to
   * take the lead (default 250).
   */
  readonly pollMs?: number;
}

interface BatchRow {
  readonly checkpoint_xid: string;
  readonly checkpoint_position: string;
  readonly xid: string | null;
  readonly position: string | null;
  readonly type: CallLogEvent['type'] | null;
  readonly occurred_at: Date | null;
  readonly data: CallLogEvent['data'] | null;
}

/** What one step did: events passed (applied or skipped) and whether it reached the horizon. */
export interface ProjectorStep {
  readonly passed: number;
  readonly caughtUp: boolean;
  /** False when another projector held the lock. */
  readonly ran: boolean;
}

/** The usage payload rows of a batch: one per event that changes usage. */
const usageRows = (rows: readonly BatchRow[]): string => JSON.stringify(usagePayloadOf(rows));

/**
 * The asynchronous usage projection (emmett's and Marten's async projections, in one
 * statement a batch): reads committed events after its checkpoint in transaction order, sums
 * each batch into one upsert per aggregate row and grain, and moves the checkpoint in the same
 * statement. One projector leads at a time across every instance (a session advisory lock; the
 * others try again at each poll); the leader is kicked by its own instance's commits and polls
 * for everyone else's.
 */
export class UsageProjector implements ProjectionLag {
  private timer: { cancel: () => void; due: number } | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = true;
  private lastWarning = 0;
  private readonly listeners = new Set<() => void>();
  private lag: { lagMs: number | null; asOf: string | null } = { lagMs: null, asOf: null };
  private leader: unknown;
  private lagMeasuredAt = 0;

  constructor(
    private readonly db: Knex,
    private readonly opts: UsageProjectorOptions,
  ) {}

  /** Starts polling. */
  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /**
   * Stops polling, waits for a step in progress, then projects what is left (the call log has
   * just flushed), best effort: whatever it leaves, the next projector to run applies.
   */
  async stop(): Promise<void> {
    const started = !this.stopped;
    this.stopped = true;
    this.timer?.cancel();
    this.timer = null;
    await this.running;
    try {
      if (started) for (let s = await this.step(); s.ran && !s.caughtUp; s = await this.step());
    } catch {
      // The database is away or closing: nothing is lost, the checkpoint did not move.
    }
    // Never started, it may still lead after steps run by hand: give the lead up all the same.
    await this.resign();
  }

  /** Events were just committed: project them soon, with whatever else comes meanwhile. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) this.again = true;
    else this.schedule(this.opts.delayMs ?? 100);
  }

  /** Resolves after the next step ends (for readers waiting to catch up). */
  nextStep(): Promise<void> {
    // Not started (a read at start, before the service runs): one step now, best effort.
    if (this.stopped)
      return this.step().then(
        () => undefined,
        () => undefined,
      );
    return new Promise((resolve) => {
      this.listeners.add(resolve);
      if (this.running) this.again = true;
      else this.schedule(0);
    });
  }

  /**
   * One step: one batch, when this projector leads (holds the session advisory lock on a
   * connection of its own). Two statements, no transaction: the read, then the apply, which
   * moves the checkpoint only from where the batch was read and applies the batch only if it
   * did; a batch applied by someone else meanwhile (a rebuild) is not applied again.
   */
  async step(): Promise<ProjectorStep> {
    this.opts.availability?.assertReady();
    const conn = await this.lead();
    if (conn === undefined) return { passed: 0, caughtUp: false, ran: false };
    const size = this.opts.batchSize ?? 2000;
    try {
      const read = await this.db.raw(READ_BATCH_SQL, [size]).connection(conn);
      const rows = (read.rows as BatchRow[]).filter((r) => r.xid !== null);
      const from = read.rows[0] as BatchRow | undefined;
      const last = rows[rows.length - 1];
      if (!from || !last) return { passed: 0, caughtUp: true, ran: true };
      const applied = await this.db
        .raw(APPLY_BATCH_SQL, [
          last.xid,
          last.position,
          from.checkpoint_xid,
          from.checkpoint_position,
          usageRows(rows),
        ])
        .connection(conn);
      if (applied.rows[0]?.moved !== 1) return { passed: 0, caughtUp: false, ran: true };
      return { passed: rows.length, caughtUp: rows.length < size, ran: true };
    } catch (e) {
      await this.resign();
      throw e;
    }
  }

  /**
   * The leader's connection: this projector's if it leads, else it tries to take the lead (a
   * session advisory lock, held while the connection lives; an instance that dies releases it).
   */
  private async lead(): Promise<unknown> {
    if (this.leader !== undefined) return this.leader;
    const conn: unknown = await this.db.client.acquireConnection();
    try {
      const r = await this.db
        .raw('SELECT pg_try_advisory_lock(?) AS ok', [PROJECTOR_LOCK])
        .connection(conn);
      if (r.rows[0]?.ok === true) return (this.leader = conn);
    } catch (e) {
      await this.db.client.releaseConnection(conn);
      throw e;
    }
    await this.db.client.releaseConnection(conn);
    return undefined;
  }

  /** Gives the lead up (after a failure, or at stop), so another instance may take it. */
  private async resign(): Promise<void> {
    const conn = this.leader;
    this.leader = undefined;
    if (conn === undefined) return;
    await this.db
      .raw('SELECT pg_advisory_unlock(?)', [PROJECTOR_LOCK])
      .connection(conn)
      .catch(() => undefined);
    await Promise.resolve(this.db.client.releaseConnection(conn)).catch(() => undefined);
  }

  /** Runs the next steps in `ms`, or sooner if they are already due sooner. */
  private schedule(ms: number): void {
    if (this.stopped) return;
    const due = this.opts.clock.now() + ms;
    if (this.timer) {
      if (this.timer.due <= due) return;
      this.timer.cancel();
    }
    const cancel = this.opts.clock.schedule(ms, () => {
      this.timer = null;
      this.running = this.runSteps().finally(() => {
        this.running = null;
        const waiting = [...this.listeners];
        this.listeners.clear();
        for (const resolve of waiting) resolve();
        const waited = this.listeners.size > 0;
        if (this.again) {
          this.again = false;
          this.schedule(waited ? 0 : (this.opts.delayMs ?? 100));
        } else this.schedule(this.opts.pollMs ?? 250);
      });
    });
    this.timer = { cancel, due };
  }

  /** The lag as last measured (about once a second, by every instance, leader or not). */
  usageLag(): { lagMs: number | null; asOf: string | null } {
    return this.lag;
  }

  private async runSteps(): Promise<void> {
    try {
      for (;;) {
        const s = await this.step();
        if (!s.ran || s.caughtUp || this.stopped) break;
      }
      if (this.opts.clock.now() - this.lagMeasuredAt >= 1000) await this.measureLag();
    } catch (e) {
      this.lag = { lagMs: null, asOf: null };
      this.warn(e);
    }
  }

  private async measureLag(): Promise<void> {
    const now = this.opts.clock.now();
    const lag = await readUsageLag(this.db, now);
    this.lagMeasuredAt = now;
    this.lag = lag ?? { lagMs: 0, asOf: new Date(now).toISOString() };
  }

  /** A failing step is retried on the next poll; said at most once a minute. */
  private warn(e: unknown): void {
    const now = this.opts.clock.now();
    if (now - this.lastWarning < 60_000) return;
    this.lastWarning = now;
    this.opts.log.warn({ err: describeError(e) }, 'usage projector: a step failed; retrying');
  }
}
