import type { Knex } from 'knex';
import {
  type SeriesQuery,
  type SeriesRow,
  usageReport,
  usageWindow,
  type UsageQuery,
  type UsageReport,
} from '../../../domain';
import type { UsageLag, UsageReadModel } from '../../../ports';
import { storedText } from '../projections/rows';
import { counterSums, usageRowOf, type SumRow } from '../projections/usage-counter-columns';
import { readSeries } from './knex-usage-series';
import { UsageFreshness, type ProjectorHandle } from './usage-freshness';
import { usageRanges } from './usage-ranges';

/** A parameterised SQL statement. */
export interface Statement {
  readonly sql: string;
  readonly bindings: ReadonlyArray<string | Date>;
}

/**
 * The usage statement: per level and model, the sums of the aggregate rows of each grain range
 * that covers the window; it never reads `inference_calls`. Undefined when the window is empty.
 */
export const usageStatement = (query: UsageQuery): Statement | undefined => {
  const w = usageWindow(query);
  const ranges = usageRanges(w.since, w.until);
  if (ranges.length === 0) return undefined;
  const bindings: Array<string | Date> = [];
  // Split by key only when asked: otherwise the rows stay one per level and model.
  const dims = query.groupBy === 'key' ? 'level, model, key_id' : 'level, model';
  const branches = ranges.map((r) => {
    const where = ['true'];
    const add = (term: string, value: string | Date) => {
      where.push(term);
      bindings.push(value);
    };
    if (r.from !== undefined) add('bucket >= ?', new Date(r.from));
    if (r.to !== undefined) add('bucket < ?', new Date(r.to));
    if (query.level !== undefined) add('level = ?', query.level);
    if (query.projectId !== undefined) add('project_id = ?', storedText(query.projectId));
    if (query.keyId !== undefined) add('key_id = ?', query.keyId);
    return `SELECT ${dims}, ${counterSums()} FROM ${r.grain.table} WHERE ${where.join(' AND ')} GROUP BY ${dims}`;
  });
  return {
    sql: `SELECT ${dims}, ${counterSums('::text')} FROM (${branches.join(' UNION ALL ')}) AS r GROUP BY ${dims}`,
    bindings,
  };
};

/** Answers the usage query from the aggregate tables only (NFR5). */
export class KnexUsageReadModel implements UsageReadModel {
  private readonly freshness: UsageFreshness;

  /** `projector`: this process's usage projector, kicked by reads that must wait for it. */
  constructor(
    private readonly db: Knex,
    projector?: ProjectorHandle,
  ) {
    this.freshness = new UsageFreshness(db, projector);
  }

  caughtUp(boundMs: number): Promise<UsageLag | null> {
    return this.freshness.caughtUp(boundMs);
  }

  lag(): Promise<UsageLag | null> {
    return this.freshness.lag();
  }

  async usage(query: UsageQuery): Promise<UsageReport> {
    const st = usageStatement(query);
    const rows: SumRow[] = st ? (await this.db.raw(st.sql, [...st.bindings])).rows : [];
    return usageReport(rows.map(usageRowOf), query);
  }

  series(query: SeriesQuery): Promise<SeriesRow[]> {
    return readSeries(this.db, query);
  }
}
