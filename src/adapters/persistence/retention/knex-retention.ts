import type { Knex } from 'knex';
import { writeArchive, type ManifestEntry } from './archive';
import type {
  DroppedDay,
  RetentionReport,
  RetentionRequest,
  RetentionSettings,
} from './retention-report';
import { dropDay, detachDay, pendingDrops, type DetachedDay } from './drop-day';
import { DAY_MS, dayStart, ensurePartitions, RETENTION_LOCK, yieldAfter } from './partitions';
import { aheadDays, cutoffOf, dueDays, planPass } from './retention-plan';
import { pruneSideTables } from './side-tables';
import { clearTexts } from './texts';

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
        return await (req.dryRun ? planPass(this.db, this.settings, req) : this.pass(req));
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

  private async pass(req: RetentionRequest): Promise<RetentionReport> {
    const created = await ensurePartitions(this.db, aheadDays(req.asOf));
    const dropped: DroppedDay[] = [];
    const skipped: Array<{ from: string; reason: string }> = [];
    const cutoff = cutoffOf(this.settings.callsDays, req.asOf);
    const pending = await pendingDrops(this.db);
    const due = cutoff === null ? [] : await dueDays(this.db, cutoff);
    if (due.length > 0) await this.catchUp();
    const days: DetachedDay[] = [...pending];
    for (const from of due) {
      const d = await detachDay(this.db, from);
      if (typeof d === 'string') skipped.push({ from: iso(from), reason: d });
      else days.push(d);
    }
    for (const d of days) dropped.push(await this.finish(d));
    // Nothing before the first day kept: the cutoff's day, or the first day left for later.
    const held = skipped.map((k) => Date.parse(k.from));
    const boundary = cutoff === null ? await this.boundary() : Math.min(dayStart(cutoff), ...held);
    const pruned =
      boundary === null ? { intents: 0, instances: 0 } : await pruneSideTables(this.db, boundary);
    const textCutoff = cutoffOf(this.settings.textDays ?? 0, req.asOf);
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

  /** The end of the latest day dropped (null: none ever), when this pass dropped by no cutoff. */
  private async boundary(): Promise<number | null> {
    const { rows } = await this.db.raw(
      "SELECT max(day_until) AS b FROM retention_drops WHERE state = 'dropped'",
    );
    const b = rows[0]?.b as Date | null;
    return b ? b.getTime() : null;
  }
}

/** A detached partition's rows as JSON text, in batches, in `key` order, paced (`yieldAfter`). */
async function* rowsOf(db: Knex, table: string, key: string): AsyncIterable<string[]> {
  let after: string | null = null;
  for (;;) {
    const began = performance.now();
    const { rows } = await db.raw(
      `SELECT ${key}::text AS k, row_to_json(t)::text AS j FROM ${table} t
       ${after === null ? '' : `WHERE ${key} > ?`} ORDER BY ${key} LIMIT 5000`,
      after === null ? [] : [after],
    );
    const batch = rows as Array<{ k: string; j: string }>;
    if (batch.length === 0) return;
    yield batch.map((r) => r.j);
    after = batch[batch.length - 1]!.k;
    await yieldAfter(began);
  }
}
