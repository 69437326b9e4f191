import type { Knex } from 'knex';
import { up as recreate } from './20260101000004_projection_checkpoints';

/**
 * Drops `projection_checkpoints`: it was written by every append and never read. Each append
 * projects its events in the statement that inserts them, so the projections are always exactly
 * at the head of the log, and a retried batch is skipped by event id, not by position; a rebuild
 * is one transaction, so an interrupted one leaves nothing to resume.
 */
export const up = async (knex: Knex): Promise<void> => {
  await knex.raw('DROP TABLE projection_checkpoints');
};

/** Recreates the table, empty, as the migration that made it did. */
export const down = recreate;
