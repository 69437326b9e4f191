import {
  encodeCursor,
  usageReport,
  type CallCursor,
  matchesQuery,
  type CallRecord,
  type CallLogEvent,
  type OpenIntent,
  type SeriesQuery,
  type SeriesRow,
  SERIES_GRAINS,
  type UsageQuery,
  type UsageReport,
} from '../../domain';
import {
  callRecordsProjection,
  openIntentsProjection,
  usageProjection,
  type UsageAggregate,
} from '../../application';
import type {
  CallLog,
  CallRecords,
  CallsPage,
  CallsQuery,
  LogHealth,
  StoredEvent,
  UsageReadModel,
} from '../../ports';

/**
 * The event log in memory, with both projections applied inline on append. One store backs the
 * three ports (`CallLog`, `UsageReadModel`, `CallRecords`), as one database would.
 */
export class InMemoryEventStore implements CallLog, UsageReadModel, CallRecords {
  private readonly events: StoredEvent[] = [];
  private readonly seen = new Set<string>();
  private readonly records = callRecordsProjection.initialState();
  private readonly usageRows = usageProjection.initialState();
  private readonly intents = openIntentsProjection.initialState();
  private closed = false;

  append(events: readonly CallLogEvent[]): Promise<void> {
    if (this.closed) return Promise.reject(new Error('the call log is closed'));
    for (const event of events) {
      if (this.seen.has(event.eventId)) continue;
      this.seen.add(event.eventId);
      this.events.push({ position: this.events.length + 1, event });
      callRecordsProjection.evolve(this.records, event);
      usageProjection.evolve(this.usageRows, event);
      openIntentsProjection.evolve(this.intents, event);
    }
    return Promise.resolve();
  }

  read(afterPosition: number, limit: number): Promise<readonly StoredEvent[]> {
    return Promise.resolve(this.events.slice(afterPosition, afterPosition + limit));
  }

  /** Intents without an outcome yet, oldest first, with their generation ids. */
  openIntents(): readonly OpenIntent[] {
    return [...this.intents.open.values()];
  }

  health(): LogHealth {
    return { backlog: 0, lastError: null, full: false, database: 'memory', journalError: null };
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }

  /** Always caught up: the aggregates change with each append. */
  caughtUp(): Promise<null> {
    return Promise.resolve(null);
  }

  lag(): Promise<null> {
    return Promise.resolve(null);
  }

  usage(query: UsageQuery): Promise<UsageReport> {
    const rows: UsageAggregate[] = [];
    for (const row of this.usageRows.values()) if (matchesQuery(row.key, query)) rows.push(row);
    return Promise.resolve(
      usageReport(
        rows.map((r) => ({
          level: r.key.level,
          model: r.key.model,
          keyId: r.key.keyId ?? '',
          counters: r.counters,
        })),
        query,
      ),
    );
  }

  series(q: SeriesQuery): Promise<SeriesRow[]> {
    const ms = SERIES_GRAINS[q.grain];
    const rows: SeriesRow[] = [];
    for (const { key, counters } of this.usageRows.values()) {
      if (key.bucket < q.since || key.bucket >= q.until) continue;
      if (q.level !== undefined && key.level !== q.level) continue;
      if (q.projectId !== undefined && key.projectId !== q.projectId) continue;
      if (q.keyId !== undefined && (key.keyId ?? '') !== q.keyId) continue;
      const group =
        q.groupBy === 'level'
          ? key.level
          : q.groupBy === 'model'
            ? key.model
            : q.groupBy === 'project'
              ? (key.projectId ?? '')
              : q.groupBy === 'key'
                ? (key.keyId ?? '')
                : '';
      // Minute rows, one each: the report sums those that share a bucket and key.
      rows.push({ bucket: Math.floor(key.bucket / ms) * ms, key: group, counters });
    }
    return Promise.resolve(rows);
  }

  get(id: string): Promise<CallRecord | undefined> {
    return Promise.resolve(this.records.get(id));
  }

  unreconciled(since: string, limit: number): Promise<readonly CallRecord[]> {
    const from = Date.parse(since);
    const due = [...this.records.values()]
      .filter((r) => r.costEstimated && r.upstreamId !== null && Date.parse(r.createdAt) >= from)
      .sort((a, b) => cmp(a.createdAt, b.createdAt) || cmp(a.id, b.id));
    return Promise.resolve(due.slice(0, limit));
  }

  list(q: CallsQuery): Promise<CallsPage> {
    const cursor = q.before;
    const matching = [...this.records.values()]
      .filter(
        (r) =>
          (q.level === undefined || r.level === q.level) &&
          (q.projectId === undefined || r.projectId === q.projectId) &&
          (q.status === undefined || r.status === q.status) &&
          (q.keyId === undefined || r.keyId === q.keyId) &&
          (cursor === undefined || isBefore(r, cursor)),
      )
      .sort((a, b) =>
        a.createdAt === b.createdAt ? cmp(b.id, a.id) : cmp(b.createdAt, a.createdAt),
      );
    const calls = matching.slice(0, q.limit);
    const last = calls[calls.length - 1];
    return Promise.resolve({
      calls,
      nextCursor: matching.length > q.limit && last ? encodeCursor(last) : null,
    });
  }
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const isBefore = (r: CallRecord, c: CallCursor): boolean =>
  r.createdAt < c.createdAt || (r.createdAt === c.createdAt && r.id < c.id);
