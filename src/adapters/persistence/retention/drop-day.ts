import type { Knex } from 'knex';
import { USAGE_CHECKPOINT } from '../projector/projector-sql';
import { DAY_MS, LOCK_TIMEOUT, partitionName, withLockRetries } from './partitions';
import { retainUsage } from './retained-usage';

/** A day detached from both tables (a table null: that table had no partition for the day). */
export interface DetachedDay {
  readonly id: number;
  readonly from: number;
  readonly events: string | null;
  readonly calls: string | null;
  /** How long the detaching transaction held its locks (absent for a drop resumed). */
  readonly lockMs?: number;
}

class Unprojected extends Error {}

const exists = async (db: Knex, name: string): Promise<boolean> => {
  const { rows } = await db.raw('SELECT to_regclass(?) IS NOT NULL AS ok', [name]);
  return rows[0]?.ok === true;
};

/**
 * Detaches the day starting at `from` from the log and the records, and records the drop as
 * begun, in one short transaction: DETACH changes the catalog only (no rows are read or moved),
 * but it takes the parent's ACCESS EXCLUSIVE lock, so it waits at most 100 ms for it (appends
 * queued behind it wait no longer) and tries again, up to 50 times. The day stays attached
 * (the transaction rolls back) if any of its events is not yet counted by the usage projector:
 * once detached, the projector would never see it. Returns why not, when it did not detach.
 */
export const detachDay = async (db: Knex, from: number): Promise<DetachedDay | string> => {
  const events = partitionName('inference_events', from);
  const calls = partitionName('inference_calls', from);
  const have = { events: await exists(db, events), calls: await exists(db, calls) };
  try {
    let began = 0;
    const done = await withLockRetries(() =>
      db.transaction(async (trx) => {
        began = performance.now();
        await trx.raw(LOCK_TIMEOUT);
        if (have.events) await trx.raw(`ALTER TABLE inference_events DETACH PARTITION ${events}`);
        if (have.calls) await trx.raw(`ALTER TABLE inference_calls DETACH PARTITION ${calls}`);
        if (have.events) {
          // The checkpoint as values, so the check is one index probe, not a scan of the day.
          const cp = await trx.raw(
            'SELECT transaction_id::text AS x, position FROM projection_checkpoints WHERE name = ?',
            [USAGE_CHECKPOINT],
          );
          const { x, position } = cp.rows[0] as { x: string; position: string };
          const { rows } = await trx.raw(
            `SELECT EXISTS (SELECT 1 FROM ${events} e
               WHERE (e.transaction_id, e.position) > (?::xid8, ?::bigint)) AS behind`,
            [x, position],
          );
          if (rows[0]?.behind === true) throw new Unprojected();
        }
        const { rows } = await trx.raw(
          `INSERT INTO retention_drops (day_from, day_until, state, events, calls)
           VALUES (?, ?, 'detached', ?, ?) RETURNING id`,
          [
            new Date(from).toISOString(),
            new Date(from + DAY_MS).toISOString(),
            have.events ? events : '',
            have.calls ? calls : '',
          ],
        );
        return {
          id: Number(rows[0].id),
          from,
          events: have.events ? events : null,
          calls: have.calls ? calls : null,
        };
      }),
    );
    return done === 'busy'
      ? 'the tables stayed busy (lock not available)'
      : { ...done, lockMs: performance.now() - began };
  } catch (e) {
    if (e instanceof Unprojected) return 'events not yet counted by the usage projector';
    throw e;
  }
};

/** Drops a pass left detached but not dropped (a pass that stopped half-way): resumed first. */
export const pendingDrops = async (db: Knex): Promise<DetachedDay[]> => {
  const { rows } = await db.raw(
    "SELECT id, day_from, events, calls FROM retention_drops WHERE state = 'detached' ORDER BY day_from",
  );
  return (rows as Array<{ id: string; day_from: Date; events: string; calls: string }>).map(
    (r) => ({
      id: Number(r.id),
      from: r.day_from.getTime(),
      events: r.events === '' ? null : r.events,
      calls: r.calls === '' ? null : r.calls,
    }),
  );
};

const count = async (db: Knex, table: string | null): Promise<number> =>
  table === null ? 0 : Number((await db.raw(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);

/**
 * Keeps the usage of a detached day's events (`usage_retained`), then drops its tables and marks
 * the drop done, in one transaction that locks only the detached tables (appends never touch
 * them). Returns the rows dropped.
 */
export const dropDay = async (
  db: Knex,
  d: DetachedDay,
): Promise<{ eventRows: number; callRows: number }> => {
  if (d.events !== null) await retainUsage(db, d.events, d.id);
  const eventRows = await count(db, d.events);
  const callRows = await count(db, d.calls);
  await db.transaction(async (trx) => {
    for (const t of [d.events, d.calls]) if (t !== null) await trx.raw(`DROP TABLE ${t}`);
    await trx.raw(
      `UPDATE retention_drops SET state = 'dropped', dropped_at = now(), event_rows = ?,
         call_rows = ? WHERE id = ?`,
      [eventRows, callRows, d.id],
    );
  });
  return { eventRows, callRows };
};
