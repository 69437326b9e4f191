import type { Knex } from 'knex';
import { CHECKPOINT_AT_END_SQL } from '../projector/projector-sql';
import { REPLAY_SQL } from './projection-sql';
import { GRAINS, HOUR_ALL_PROJECTS } from '../read-models/usage-ranges';
import { projectionPayload, projectionRowJson, storedEventOf, type EventRow } from './rows';
import { isKeyEventType, type KeyEvent } from '../../../domain';
import { replayKeys } from '../keys/replay-keys';
import { restoreRetainedUsage } from '../retention/retained-usage';
import { RETENTION_LOCK } from '../retention/partitions';

/** The tables the projections keep: everything a rebuild empties and fills again. */
export const PROJECTION_TABLES: readonly string[] = [
  'inference_calls',
  'inference_intents',
  'consumer_keys',
  ...GRAINS.map((g) => g.table),
  HOUR_ALL_PROJECTS.table,
];

/** Progress of a rebuild, after each batch. */
export interface RebuildProgress {
  readonly done: number;
  readonly total: number;
}

/** Rebuild settings. */
export interface RebuildOptions {
  readonly batchSize?: number;
  readonly onProgress?: (p: RebuildProgress) => void;
}

/**
 * Truncates the projections and replays the whole log through the same statement that applies
 * them on append, so the result equals the live projections. Usage starts from the snapshot of
 * the days retention dropped (`usage_retained`): what their events had added, which the log no
 * longer holds. It runs as one transaction: the log
 * is locked against appends (a running service backlogs and retries them), readers of the
 * projections wait, and an interrupted rebuild leaves the old projections in place. It leaves
 * the usage checkpoint at the end of the log it replayed: a projector that read a batch before
 * the rebuild finds the checkpoint moved and applies nothing (its upserts wait on the truncate).
 */
export const rebuildProjections = (db: Knex, opts: RebuildOptions = {}): Promise<number> =>
  db.transaction(async (trx) => {
    const size = opts.batchSize ?? 5000;
    // After a retention pass only (no pass half-way: its detached day would be missed).
    await trx.raw('SELECT pg_advisory_xact_lock(?)', [RETENTION_LOCK]);
    const pending = await trx.raw(
      "SELECT count(*)::int AS n FROM retention_drops WHERE state = 'detached'",
    );
    if (pending.rows[0].n > 0)
      throw new Error(
        'a retention pass stopped half-way: run `npm run retention` first, then rebuild',
      );
    await trx.raw('LOCK TABLE inference_events IN EXCLUSIVE MODE');
    const counted = await trx.raw('SELECT count(*)::text AS n FROM inference_events');
    const total = Number(counted.rows[0].n);
    await trx.raw(`TRUNCATE ${PROJECTION_TABLES.join(', ')}`);
    await restoreRetainedUsage(trx);
    let after = 0;
    let done = 0;
    const keyEvents: Array<{ event: KeyEvent; position: number }> = [];
    opts.onProgress?.({ done, total });
    for (;;) {
      const rows: EventRow[] = await trx('inference_events')
        .select('position', 'event_id', 'type', 'occurred_at', 'data')
        .where('position', '>', after)
        .orderBy('position')
        .limit(size);
      if (rows.length === 0) break;
      // Key events feed the keys projection, replayed once the log is read; the rest the calls'.
      const calls = rows.filter((r) => !isKeyEventType(r.type));
      for (const r of rows) {
        if (!isKeyEventType(r.type)) continue;
        const event = {
          type: r.type,
          eventId: r.event_id,
          occurredAt: new Date(r.occurred_at).toISOString(),
          data: r.data,
        } as unknown as KeyEvent;
        keyEvents.push({ event, position: Number(r.position) });
      }
      after = Number(rows[rows.length - 1]!.position);
      done += rows.length;
      if (calls.length === 0) {
        opts.onProgress?.({ done, total });
        continue;
      }
      const stored = calls.map(storedEventOf);
      const payload = projectionPayload(
        stored.map((s) => s.event),
        (e, i) => projectionRowJson(e, stored[i]!.position, true),
      );
      await trx.raw(REPLAY_SQL, [payload]);
      opts.onProgress?.({ done, total });
    }
    await replayKeys(trx, keyEvents);
    await trx.raw(CHECKPOINT_AT_END_SQL);
    return done;
  });
