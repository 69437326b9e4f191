import type { Knex } from 'knex';
import type { SeriesQuery, SeriesRow } from '../../../domain';
import { storedText } from '../projections/rows';
import { counterSums, countersOfRow } from '../projections/usage-counter-columns';
import { HOUR_ALL_PROJECTS } from './usage-ranges';

const KEY_COLUMN = {
  level: 'level',
  model: 'model',
  project: 'project_id',
  key: 'key_id',
} as const;

/**
 * The series statement: one grain's aggregate table (its buckets are the series' buckets), the
 * window and filters, summed per bucket and key. It never reads `inference_calls`.
 */
export const seriesStatement = (
  q: SeriesQuery,
): { sql: string; bindings: Array<string | Date> } => {
  const key = q.groupBy === undefined || q.groupBy === 'status' ? "''" : KEY_COLUMN[q.groupBy];
  const where = ['bucket >= ?', 'bucket < ?'];
  const bindings: Array<string | Date> = [new Date(q.since), new Date(q.until)];
  if (q.level !== undefined) where.push('level = ?') && bindings.push(q.level);
  if (q.projectId !== undefined) {
    where.push('project_id = ?') && bindings.push(storedText(q.projectId));
  }
  if (q.keyId !== undefined) where.push('key_id = ?') && bindings.push(q.keyId);
  // Without a project filter or grouping, hours come from the rollup over every project.
  const table =
    q.grain === 'hour' && q.projectId === undefined && q.groupBy !== 'project'
      ? HOUR_ALL_PROJECTS.table
      : `usage_${q.grain}`;
  return {
    sql:
      `SELECT (extract(epoch FROM bucket) * 1000)::bigint AS t, ${key} AS key, ${counterSums('::text')} ` +
      `FROM ${table} WHERE ${where.join(' AND ')} GROUP BY bucket, 2`,
    bindings,
  };
};

type Row = { t: string; key: string } & Record<string, string>;

/** Reads a series' rows from the aggregate table of its grain. */
export const readSeries = async (db: Knex, q: SeriesQuery): Promise<SeriesRow[]> => {
  const st = seriesStatement(q);
  const { rows } = (await db.raw(st.sql, st.bindings)) as { rows: Row[] };
  return rows.map((r) => ({ bucket: Number(r.t), key: r.key, counters: countersOfRow(r) }));
};
