import type { CallCursor, CallRecord, CallStatus, Level, UsageQuery, UsageReport } from '../domain';

/** Answers the usage query from aggregates, never by scanning call records (NFR5). */
export interface UsageReadModel {
  usage(query: UsageQuery): Promise<UsageReport>;
}

/** A page request over call records, newest first. */
export interface CallsQuery {
  readonly limit: number;
  /** Records strictly older than this position. */
  readonly before?: CallCursor | undefined;
  readonly level?: Level | undefined;
  readonly projectId?: string | undefined;
  readonly status?: CallStatus | undefined;
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
}

/** Whether the service can serve: the database answers and migrations are applied. */
export interface Readiness {
  readonly ready: boolean;
  /** Why not, when not ready. */
  readonly detail: string | null;
}
