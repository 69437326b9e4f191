import type { Knex } from 'knex';
import type { StorageStats, StorageStatus } from '../../../ports';

/** Below this many calls the count is exact (a count of the records). */
const EXACT_BELOW = 1_000_000;

const BYTES_SQL = `
  SELECT coalesce(sum(pg_total_relation_size(i.inhrelid)), 0)::text AS bytes
  FROM pg_inherits i WHERE i.inhparent IN ('inference_events'::regclass, 'inference_calls'::regclass)`;

/**
 * Every call ever counted by the usage projection, less those of the days retention dropped: the
 * records kept, as of the projection (it trails the log by a fraction of a second), read from
 * the small aggregate tables instead of counting millions of rows.
 */
const COUNTED_SQL = `
  SELECT ((SELECT coalesce(sum(calls), 0) FROM usage_week)
    - (SELECT coalesce(sum(r.calls), 0) FROM usage_retained r
       JOIN retention_drops d ON d.id = r.drop_id AND d.state = 'dropped'))::text AS calls`;

/**
 * `status.storage`, measured (`measure`, by the service about every 10 s and after each
 * retention pass), plus the calls this instance recorded since: status never waits on the
 * database. Below a million calls the records are counted; above, the count comes from the
 * usage aggregates, within far less than 1% of it.
 */
export class KnexStorageStats implements StorageStats {
  private latest: StorageStatus | null = null;
  private since = 0;

  constructor(private readonly db: Knex) {}

  /** Reads the figures from the database. */
  async measure(): Promise<void> {
    const since = this.since;
    const counted = Number((await this.db.raw(COUNTED_SQL)).rows[0].calls);
    const calls =
      counted < EXACT_BELOW
        ? Number((await this.db.raw('SELECT count(*)::text AS n FROM inference_calls')).rows[0].n)
        : counted;
    const oldest = await this.db.raw(
      'SELECT created_at FROM inference_calls ORDER BY created_at LIMIT 1',
    );
    const bytes = Number((await this.db.raw(BYTES_SQL)).rows[0].bytes);
    const last = await this.db.raw('SELECT max(at) AS at FROM retention_passes');
    this.since -= since;
    const at = (last.rows[0]?.at as Date | null) ?? null;
    const first = (oldest.rows[0]?.created_at as Date | undefined) ?? null;
    this.latest = {
      oldestCallAt: first ? first.toISOString() : null,
      calls,
      bytes,
      lastRetentionAt: at ? at.toISOString() : null,
    };
  }

  /** A call was recorded by this instance (counted until the next measure). */
  recorded(): void {
    this.since++;
  }

  storage(): StorageStatus | null {
    return this.latest && { ...this.latest, calls: this.latest.calls + this.since };
  }
}
