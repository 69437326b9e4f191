import type { CallLogEvent } from '../domain';
import type { AppendTiming } from './call-observer';

/** An event as stored, with its position in the global log. */
export interface StoredEvent {
  readonly position: number;
  readonly event: CallLogEvent;
}

/**
 * Where the log's database is: `connected` (writes go to it), `unreachable` (writes are failing;
 * events wait in the journal), `absent` (not reached since start: not migrated yet, events wait in
 * the journal), `migrating` (reached, applying migrations), `memory` (no database: in process).
 */
export type DatabaseState = 'connected' | 'unreachable' | 'absent' | 'migrating' | 'memory';

/** How the log's writer is doing (status `logging`). */
export interface LogHealth {
  /** Events accepted but not yet in the database (being written, or waiting out an outage). */
  readonly backlog: number;
  readonly lastError: string | null;
  /** True when the backlog is full and new calls must be refused rather than go unrecorded. */
  readonly full: boolean;
  readonly database: DatabaseState;
  /**
   * Why the journal could not take the last events that needed it, or null. While the database
   * is away too, nothing can be recorded: calls are refused before they spend.
   */
  readonly journalError: string | null;
}

/**
 * The append-only event log. Appending also applies the projections (call records, usage), so a
 * record and its aggregates never disagree. Appends are idempotent by event id.
 */
export interface CallLog {
  /**
   * Resolves once the events are durable: committed to the database, or, while it is
   * unreachable, in the adapter's durable backlog, which is written to the database (in order,
   * idempotently) when it answers again. Rejects when neither was possible or the log is full
   * past its headroom: the caller must then not answer as if the call were recorded. Adapters
   * that batch say how long the append waited and how long its batch took.
   */
  append(events: readonly CallLogEvent[]): Promise<AppendTiming | void>;
  /** Events after `afterPosition`, oldest first, for replays. */
  read(afterPosition: number, limit: number): Promise<readonly StoredEvent[]>;
  health(): LogHealth;
  /** Flushes anything pending; later appends are refused. */
  close(): Promise<void>;
}
