import type {
  CallCursor,
  CallRecord,
  CallStatus,
  Level,
  SeriesQuery,
  SeriesRow,
  UsageQuery,
  UsageReport,
} from '../domain';

/** How far behind the log the usage aggregates are. */
export interface UsageLag {
  /** The time the aggregates are complete to (ISO-8601): the oldest call not yet counted. */
  readonly asOf: string;
  readonly lagMs: number;
}

/** The usage projection's lag as last measured, for status and metrics (never waits). */
export interface ProjectionLag {
  /** Null until measured (or while the database is away). */
  usageLag(): { readonly lagMs: number | null; readonly asOf: string | null };
}

/** Answers the usage query from aggregates, never by scanning call records (NFR5). */
export interface UsageReadModel {
  /**
   * Waits, at most `boundMs`, until every call recorded before it was asked is counted in the
   * aggregates (they may be projected after the calls' commits). Null once they are; past the
   * bound, how far behind they still are.
   */
  caughtUp(boundMs: number): Promise<UsageLag | null>;
  /** How far behind the aggregates are now (null: not behind), without waiting. */
  lag(): Promise<UsageLag | null>;
  usage(query: UsageQuery): Promise<UsageReport>;
  /**
   * The aggregate rows of a series window summed per bucket of its grain and per key (level,
   * model or project id, '' for none; '' for every row when grouped by status or not at all).
   */
  series(query: SeriesQuery): Promise<SeriesRow[]>;
}

/** A page request over call records, newest first. */
export interface CallsQuery {
  readonly limit: number;
  /** Records strictly older than this position. */
  readonly before?: CallCursor | undefined;
  readonly level?: Level | undefined;
  readonly projectId?: string | undefined;
  readonly status?: CallStatus | undefined;
  readonly keyId?: string | undefined;
}

/** One page of call records. */
export interface CallsPage {
  readonly calls: readonly CallRecord[];
  readonly nextCursor: string | null;
}

/** Call records, newest first with cursor paging on (created_at, id). */
export interface CallRecords {
  list(query: CallsQuery): Promise<CallsPage>;
  get(id: string): Promise<CallRecord | undefined>;
  /**
   * Records whose cost is still an estimate and whose generation id is known (cancelled or
   * interrupted calls to reconcile), created at or after `since` (ISO-8601), oldest first.
   */
  unreconciled(since: string, limit: number): Promise<readonly CallRecord[]>;
}

/** Whether the service can serve: the database answers and migrations are applied. */
export interface Readiness {
  readonly ready: boolean;
  /** Why not, when not ready. */
  readonly detail: string | null;
}

/** What the call log keeps on disk, for status and metrics. */
export interface StorageStatus {
  /** The oldest call record kept (ISO-8601); null when there is none. */
  readonly oldestCallAt: string | null;
  /** Call records kept: exact below 1,000,000, an estimate within 1% above. */
  readonly calls: number;
  /** Bytes on disk of the records and events, indexes included. */
  readonly bytes: number;
  /** When the last retention pass ended (ISO-8601); null before the first. */
  readonly lastRetentionAt: string | null;
}

/** The storage figures as last measured (never waits). */
export interface StorageStats {
  /** Null until first measured (or where nothing is stored on disk). */
  storage(): StorageStatus | null;
}
