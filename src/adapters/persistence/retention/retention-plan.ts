import type { Knex } from 'knex';
import type {
  DroppedDay,
  RetentionReport,
  RetentionRequest,
  RetentionSettings,
} from './retention-report';
import {
  DAY_MS,
  dayPartitions,
  dayStart,
  PARTITIONED,
  partitionName,
  strayDays,
  type PartitionedTable,
} from './partitions';

/** Days of partitions made ahead of the present, at start and by every pass. */
export const DAYS_AHEAD = 7;

const iso = (ms: number): string => new Date(ms).toISOString();

/** Today (the day of `now`), yesterday and the days ahead. */
export const aheadDays = (now: number): number[] =>
  Array.from({ length: DAYS_AHEAD + 2 }, (_, i) => dayStart(now) + (i - 1) * DAY_MS);

/** `days` before `asOf`; null when `days` is 0 (kept for ever). */
export const cutoffOf = (days: number, asOf: number): number | null =>
  days > 0 ? asOf - days * DAY_MS : null;

/**
 * The days with a partition of either table that ended by `cutoff`, oldest first; with
 * `strays`, also the days of rows waiting in a default partition (a pass makes their partitions
 * first; a dry run makes none).
 */
export const dueDays = async (db: Knex, cutoff: number, strays = false): Promise<number[]> => {
  const days = new Set<number>();
  for (const t of PARTITIONED) {
    for (const p of await dayPartitions(db, t.table)) if (p.until <= cutoff) days.add(p.from);
    if (strays) for (const d of await strayDays(db, t)) if (d + DAY_MS <= cutoff) days.add(d);
  }
  return [...days].sort((a, b) => a - b);
};

/** What a pass would do now, changing nothing (`--dry-run`). */
export const planPass = async (
  db: Knex,
  settings: RetentionSettings,
  req: RetentionRequest,
): Promise<RetentionReport> => {
  const created: string[] = [];
  for (const t of PARTITIONED) {
    const have = new Set((await dayPartitions(db, t.table)).map((p) => p.from));
    const want = new Set([...aheadDays(req.asOf), ...(await strayDays(db, t))]);
    for (const day of want) if (!have.has(day)) created.push(partitionName(t.table, day));
  }
  const cutoff = cutoffOf(settings.callsDays, req.asOf);
  const dropped: DroppedDay[] = [];
  for (const from of cutoff === null ? [] : await dueDays(db, cutoff, true)) {
    const count = async (t: PartitionedTable) => {
      const { rows } = await db.raw(
        `SELECT count(*)::int AS n FROM ${t.table} WHERE ${t.key} >= ? AND ${t.key} < ?`,
        [iso(from), iso(from + DAY_MS)],
      );
      return rows[0].n as number;
    };
    dropped.push({
      from: iso(from),
      until: iso(from + DAY_MS),
      eventRows: await count(PARTITIONED[0]),
      callRows: await count(PARTITIONED[1]),
      archived: [],
      lockMs: 0,
    });
  }
  const boundary = cutoff === null ? null : iso(dayStart(cutoff));
  const { rows } = await db.raw(
    'SELECT count(*)::int AS n FROM inference_intents WHERE created_at < ?',
    [boundary ?? '-infinity'],
  );
  const textCutoff = cutoffOf(settings.textDays ?? 0, req.asOf);
  const texts =
    textCutoff === null
      ? 0
      : Number(
          (
            await db.raw(
              `SELECT count(*) AS n FROM inference_calls c WHERE c.created_at < ?
                 AND c.created_at >= ? AND (result_text IS NOT NULL OR tool_calls IS NOT NULL)
                 AND NOT EXISTS (SELECT 1 FROM retention_texts t
                   WHERE c.created_at >= t.day_from AND c.created_at < t.day_from + interval '1 day')`,
              [iso(dayStart(textCutoff)), boundary ?? '-infinity'],
            )
          ).rows[0].n,
        );
  return {
    ran: true,
    dryRun: true,
    asOf: iso(req.asOf),
    boundary,
    created,
    dropped,
    skipped: [],
    intentsPruned: rows[0].n as number,
    instancesPruned: 0,
    textsCleared: texts,
  };
};
