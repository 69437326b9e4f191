import type { Knex } from 'knex';
import type { CallLogEvent } from '../../../domain';
import type { AppendTiming, CallLog, Clock, LogHealth, StoredEvent } from '../../../ports';
import type { DatabaseAvailability } from '../database-availability';
import { Backlog } from './backlog';
import type { LogSink } from './drain';
import { GroupCommit } from './group-commit';
import { storedEventOf, type EventRow } from '../projections/rows';
import { appendEvents } from './append-statement';
import { DEFAULT_STATEMENT_TIMEOUT_MS } from '../defaults';

/** How the Knex call log batches, backlogs and retries. */
export interface KnexCallLogOptions {
  readonly clock: Clock;
  readonly log: LogSink;
  /** Most events in one transaction (default 1000). */
  readonly batchMax?: number;
  /** Batches in flight at once (default 1; see GroupCommitOptions.lanes). */
  readonly lanes?: number;
  /** Events not yet in the database at which new calls are refused (default 10,000). */
  readonly maxBacklog?: number;
  /** Journal for the backlog; null keeps it in memory (survives an outage, not a crash). */
  readonly backlogFile?: string | null;
  readonly retryBaseMs?: number;
  readonly retryMaxMs?: number;
  /**
   * A write taking longer is abandoned and retried from the backlog (idempotent); default
   * DEFAULT_STATEMENT_TIMEOUT_MS, the configuration's default too.
   */
  readonly statementTimeoutMs?: number;
  /** How long `close()` keeps retrying a backlog before leaving it in the journal. */
  readonly closeTimeoutMs?: number;
  /**
   * Whether the database is there and migrated yet (default: it is). Until it is, every event
   * goes to the journal, to be replayed once it is.
   */
  readonly availability?: DatabaseAvailability;
  /** Told after each batch is committed to the database (the usage projector's kick). */
  readonly onCommitted?: () => void;
}

/**
 * The event log in PostgreSQL. Each batch of appends is one statement: events inserted (ids
 * already present skipped) and the inline projections (call records, open intents) applied to
 * the new ones, so a record commits with its event or not at all; usage follows asynchronously
 * (`onCommitted` kicks its projector). Batching and the outage backlog: see GroupCommit.
 */
export class KnexCallLog implements CallLog {
  private readonly writer: GroupCommit;
  private readonly backlog: Backlog;
  private readonly closeTimeoutMs: number;
  private readonly availability: DatabaseAvailability | undefined;

  constructor(
    private readonly db: Knex,
    opts: KnexCallLogOptions,
  ) {
    const timeout = opts.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS;
    this.closeTimeoutMs = opts.closeTimeoutMs ?? 10_000;
    this.availability = opts.availability;
    this.backlog = new Backlog(opts.backlogFile ?? null);
    this.writer = new GroupCommit(
      async (events) => {
        // Not migrated yet: the tables may not exist, and a refused statement would be dropped.
        this.availability?.assertReady();
        // Named (prepared) statements: PostgreSQL parses and plans each once per connection
        // instead of per batch, which was ~2 of the ~3 ms a one-event append took.
        await appendEvents(db, events, timeout);
        opts.onCommitted?.();
      },
      this.backlog,
      opts.clock,
      {
        batchMax: opts.batchMax ?? 1000,
        lanes: opts.lanes ?? 1,
        maxBacklog: opts.maxBacklog ?? 10_000,
        retryBaseMs: opts.retryBaseMs ?? 250,
        retryMaxMs: opts.retryMaxMs ?? 10_000,
        // Also bounds the wait for a pooled connection and connecting, which the query's own
        // timeout does not cover.
        writeTimeoutMs: timeout,
      },
      opts.log,
    );
  }

  /** Loads a backlog left by a previous run and starts writing it. */
  start(): Promise<void> {
    return this.writer.start();
  }

  append(events: readonly CallLogEvent[]): Promise<AppendTiming> {
    return this.writer.append(events);
  }

  async read(afterPosition: number, limit: number): Promise<readonly StoredEvent[]> {
    const rows: EventRow[] = await this.db('inference_events')
      .select('position', 'event_id', 'type', 'occurred_at', 'data')
      .where('position', '>', afterPosition)
      .orderBy('position')
      .limit(limit);
    return rows.map(storedEventOf);
  }

  health(): LogHealth {
    const h = this.writer.health();
    const a = this.availability;
    if (!a) return h;
    // Absent from the start: say why before any call has had to find out.
    return {
      ...h,
      database: a.describe(h.database === 'unreachable'),
      lastError: h.lastError ?? a.reason,
    };
  }

  /** Events waiting in the backlog journal (not those merely being written). */
  backlogged(): number {
    return this.backlog.size;
  }

  /** Retries the backlog now (the database has just become reachable). */
  retryNow(): void {
    this.writer.retryNow();
  }

  /** Retries the backlog now; true once everything accepted is in the database. */
  flush(timeoutMs = this.closeTimeoutMs): Promise<boolean> {
    return this.writer.flush(timeoutMs);
  }

  close(): Promise<void> {
    return this.writer.close(this.closeTimeoutMs);
  }
}
