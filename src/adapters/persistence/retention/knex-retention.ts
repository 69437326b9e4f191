import type { Knex } from 'knex';
import { writeArchive, type ManifestEntry } from './archive';
import { dropDay, detachDay, pendingDrops, type DetachedDay } from './drop-day';
import {
  DAY_MS,
  dayPartitions,
  dayStart,
  ensurePartitions,
  PARTITIONED,
  RETENTION_LOCK,
  strayDays,
} from './partitions';
import { pruneSideTables } from './side-tables';
import { clearTexts } from './texts';

/** Days of partitions made ahead of the present, at start and by every pass. */
export const DAYS_AHEAD = 7;

/** What retention keeps (from `retention.*`). */
export interface RetentionSettings {
  /** Days of call records and events kept; 0 keeps them for ever. */
  readonly callsDays: number;
  /** Days answer text and tool calls are kept; 0 keeps them as long as their call. */
  readonly textDays?: number;
  /** Directory the dropped partitions are archived to; '' archives nothing. */
  readonly archiveDir: string;
}

/** One pass's request: the present it stands for, and whether to change anything. */
export interface RetentionRequest {
  readonly asOf: number;
  readonly dryRun?: boolean;
}

/** A day dropped (or, in a dry run, that would be). */
export interface DroppedDay {
  readonly from: string;
  readonly until: string;
  readonly eventRows: number;
  readonly callRows: number;
  readonly archived: readonly ManifestEntry[];
  /** How long the detach held the tables' lock, in ms (appends wait at most this). */
  readonly lockMs: number;
}

/** What a pass did (or, in a dry run, would do). */
export interface RetentionReport {
  /** False when another pass held the lock: this one did nothing. */
  readonly ran: boolean;
  readonly dryRun: boolean;
  readonly asOf: string;
  /** Calls and events before this are gone (null: nothing ever dropped). */
  readonly boundary: string | null;
  readonly created: readonly string[];
  readonly dropped: readonly DroppedDay[];
  /** Days left for a later pass, and why. */
  readonly skipped: ReadonlyArray<{ readonly from: string; readonly reason: string }>;
  readonly intentsPruned: number;
  readonly instancesPruned: number;
  /** Records whose answer text and tool calls were cleared (in a dry run: would be). */
  readonly textsCleared: number;
}

const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * Retention over the partitioned call log: makes the partitions of the days ahead (and of rows
 * waiting in a default partition), drops whole days older than `callsDays` (each archived first
 * when `archiveDir` is set, its usage kept as a snapshot a rebuild starts from), and prunes the
 * side tables of the calls dropped. One pass at a time across every instance (a session advisory
 * lock); appends never wait on a pass for more than a catalog change (`drop-day.ts`).
 */
export class KnexRetention {
  constructor(
    private readonly db: Knex,
    private readonly settings: RetentionSettings,
    /** Brings the usage projection up to the log's end (a pass drops only projected events). */
    private readonly catchUp: () => Promise<void> = async () => undefined,
  ) {}

  /** Runs one pass; `ran: false` when another pass held the lock. */
  async run(req: RetentionRequest): Promise<RetentionReport> {
    const conn: unknown = await this.db.client.acquireConnection();
    try {
      const lock = await this.db
        .raw('SELECT pg_try_advisory_lock(?) AS ok', [RETENTION_LOCK])
        .connection(conn);
      if (lock.rows[0]?.ok !== true) return this.idle(req);
      try {
        return await (req.dryRun ? this.plan(req) : this.pass(req));
      } finally {
        await this.db.raw('SELECT pg_advisory_unlock(?)', [RETENTION_LOCK]).connection(conn);
      }
    } finally {
      await this.db.client.releaseConnection(conn);
    }
  }

  private idle(req: RetentionRequest): RetentionReport {
    return {
      ran: false,
      dryRun: req.dryRun === true,
      asOf: iso(req.asOf),
      boundary: null,
      created: [],
      dropped: [],
      skipped: [],
      intentsPruned: 0,
      instancesPruned: 0,
      textsCleared: 0,
    };
  }

  private textCutoff(asOf: number): number | null {
    const days = this.settings.textDays ?? 0;
    return days > 0 ? asOf - days * DAY_MS : null;
  }

  private cutoff(asOf: number): number | null {
    return this.settings.callsDays > 0 ? asOf - this.settings.callsDays * DAY_MS : null;
  }

  private async pass(req: RetentionRequest): Promise<RetentionReport> {
    const created = await ensurePartitions(this.db, aheadDays(req.asOf));
    const dropped: DroppedDay[] = [];
    const skipped: Array<{ from: string; reason: string }> = [];
    const cutoff = this.cutoff(req.asOf);
    const pending = await pendingDrops(this.db);
    const due = cutoff === null ? [] : await this.dueDays(cutoff);
    if (due.length > 0) await this.catchUp();
    const days: DetachedDay[] = [...pending];
    for (const from of due) {
      const d = await detachDay(this.db, from);
      if (typeof d === 'string') skipped.push({ from: iso(from), reason: d });
      else days.push(d);
    }
    for (const d of days) dropped.push(await this.finish(d));
    const boundary = await this.boundary();
    const pruned =
      boundary === null ? { intents: 0, instances: 0 } : await pruneSideTables(this.db, boundary);
    const textCutoff = this.textCutoff(req.asOf);
    const textsCleared = textCutoff === null ? 0 : await clearTexts(this.db, textCutoff);
    await this.db.raw(
      `INSERT INTO retention_passes (as_of, boundary, dropped, call_rows, event_rows, texts_cleared)
       VALUES (?, ?, ?, ?, ?, ?)`,
      [
        iso(req.asOf),
        boundary === null ? null : iso(boundary),
        dropped.length,
        dropped.reduce((n, d) => n + d.callRows, 0),
        dropped.reduce((n, d) => n + d.eventRows, 0),
        textsCleared,
      ],
    );
    return {
      ran: true,
      dryRun: false,
      asOf: iso(req.asOf),
      boundary: boundary === null ? null : iso(boundary),
      created,
      dropped,
      skipped,
      intentsPruned: pruned.intents,
      instancesPruned: pruned.instances,
      textsCleared,
    };
  }

  /** Archives a detached day (when set to), keeps its usage, and drops it. */
  private async finish(d: DetachedDay): Promise<DroppedDay> {
    const archived: ManifestEntry[] = [];
    if (this.settings.archiveDir !== '') {
      for (const [table, kind, key] of [
        [d.calls, 'records', 'id'],
        [d.events, 'events', 'position'],
      ] as const) {
        if (table === null) continue;
        archived.push(
          await writeArchive(this.settings.archiveDir, {
            partition: table,
            kind,
            from: d.from,
            until: d.from + DAY_MS,
            rows: rowsOf(this.db, table, key),
          }),
        );
      }
    }
    const counts = await dropDay(this.db, d);
    return {
      from: iso(d.from),
      until: iso(d.from + DAY_MS),
      eventRows: counts.eventRows,
      callRows: counts.callRows,
      archived,
      lockMs: d.lockMs ?? 0,
    };
  }

  /** The days with a partition of either table that ended by `cutoff`, oldest first. */
  private async dueDays(cutoff: number): Promise<number[]> {
    const days = new Set<number>();
    for (const t of PARTITIONED)
      for (const p of await dayPartitions(this.db, t.table))
        if (p.until <= cutoff) days.add(p.from);
    return [...days].sort((a, b) => a - b);
  }

  /** The end of the latest day dropped (null: none ever). */
  private async boundary(): Promise<number | null> {
    const { rows } = await this.db.raw(
      "SELECT max(day_until) AS b FROM retention_drops WHERE state = 'dropped'",
    );
    const b = rows[0]?.b as Date | null;
    return b ? b.getTime() : null;
  }

  /** What a pass would do now, changing nothing. */
  private async plan(req: RetentionRequest): Promise<RetentionReport> {
    const created: string[] = [];
    for (const t of PARTITIONED) {
      const have = new Set((await dayPartitions(this.db, t.table)).map((p) => p.from));
      const want = new Set([...aheadDays(req.asOf), ...(await strayDays(this.db, t))]);
      for (const day of want)
        if (!have.has(day)) created.push(`${t.table}_p${iso(day).slice(0, 10)}`);
    }
    const cutoff = this.cutoff(req.asOf);
    const dropped: DroppedDay[] = [];
    for (const from of cutoff === null ? [] : await this.dueDays(cutoff)) {
      const count = async (table: string) => {
        const { rows } = await this.db.raw(
          `SELECT count(*)::int AS n FROM ${table} WHERE ${table === 'inference_events' ? 'partition_at' : 'created_at'} >= ? AND ${table === 'inference_events' ? 'partition_at' : 'created_at'} < ?`,
          [iso(from), iso(from + DAY_MS)],
        );
        return rows[0].n as number;
      };
      dropped.push({
        from: iso(from),
        until: iso(from + DAY_MS),
        eventRows: await count('inference_events'),
        callRows: await count('inference_calls'),
        archived: [],
        lockMs: 0,
      });
    }
    const last = dropped[dropped.length - 1];
    const boundary = last ? last.until : null;
    const { rows } = await this.db.raw(
      'SELECT count(*)::int AS n FROM inference_intents WHERE created_at < ?',
      [boundary ?? '-infinity'],
    );
    const textCutoff = this.textCutoff(req.asOf);
    const texts =
      textCutoff === null
        ? 0
        : Number(
            (
              await this.db.raw(
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
  }
}

/** Today (the day of `now`), yesterday and the days ahead. */
const aheadDays = (now: number): number[] =>
  Array.from({ length: DAYS_AHEAD + 2 }, (_, i) => dayStart(now) + (i - 1) * DAY_MS);

/** A detached partition's rows as JSON text, in batches, in `key` order. */
async function* rowsOf(db: Knex, table: string, key: string): AsyncIterable<string[]> {
  let after: string | null = null;
  for (;;) {
    const { rows } = await db.raw(
      `SELECT ${key}::text AS k, row_to_json(t)::text AS j FROM ${table} t
       ${after === null ? '' : `WHERE ${key} > ?`} ORDER BY ${key} LIMIT 5000`,
      after === null ? [] : [after],
    );
    const batch = rows as Array<{ k: string; j: string }>;
    if (batch.length === 0) return;
    yield batch.map((r) => r.j);
    after = batch[batch.length - 1]!.k;
  }
}
