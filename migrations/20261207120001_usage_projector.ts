import type { Knex } from 'knex';

/**
 * The asynchronous usage projector's state. Each event remembers the transaction that appended
 * it (`transaction_id`, an `xid8`): the projector reads only events of transactions older than
 * every transaction still running (`pg_snapshot_xmin`), in (transaction id, position) order, so
 * a transaction that commits after a later one can delay it but is never skipped. The
 * checkpoint is that order's last event applied; it is written in the statement that applies
 * the batch. Every event already in the log was projected inline when it was appended, so the
 * checkpoint starts past all of them (they all carry this migration's transaction id).
 */
export const up = async (knex: Knex): Promise<void> => {
  await knex.raw(`
    ALTER TABLE inference_events
      ADD COLUMN transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id()
  `);
  await knex.raw(`
    CREATE INDEX inference_events_transaction_idx ON inference_events (transaction_id, position)
  `);
  await knex.raw(`
    CREATE TABLE projection_checkpoints (
      name           text        PRIMARY KEY,
      transaction_id xid8        NOT NULL,
      position       bigint      NOT NULL,
      updated_at     timestamptz NOT NULL DEFAULT now()
    )
  `);
  await knex.raw(`
    INSERT INTO projection_checkpoints (name, transaction_id, position)
    SELECT 'usage', pg_current_xact_id(), coalesce(max(position), 0) FROM inference_events
  `);
};

/** Drops the projector's state (usage is then no longer kept: use an older version's append). */
export const down = async (knex: Knex): Promise<void> => {
  await knex.raw('DROP TABLE projection_checkpoints');
  await knex.raw('DROP INDEX inference_events_transaction_idx');
  await knex.raw('ALTER TABLE inference_events DROP COLUMN transaction_id');
};
