import type { Knex } from 'knex';

/**
 * Drops `projection_checkpoints`: it was written by every append and never read. Each append
 * projects its events in the statement that inserts them, so the projections are always exactly
 * at the head of the log, and a retried batch is skipped by event id, not by position; a rebuild
 * is one transaction, so an interrupted one leaves nothing to resume.
 */
export const up = async (knex: Knex): Promise<void> => {
  await knex.raw('DROP TABLE projection_checkpoints');
};

/** Recreates the table, empty, as `20260101000004_projection_checkpoints` made it. */
export const down = async (knex: Knex): Promise<void> => {
  await knex.raw(`
    CREATE TABLE projection_checkpoints (
      name       text        PRIMARY KEY,
      position   bigint      NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now()
    );
  `);
};
