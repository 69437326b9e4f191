import type { Knex } from 'knex';

/**
 * How far each projection has applied the log. Appends advance it in the same statement that
 * applies the projection, and a rebuild resets it, so a replay never double-counts.
 */
export const up = async (knex: Knex): Promise<void> => {
  await knex.raw(`
    CREATE TABLE projection_checkpoints (
      name       text        PRIMARY KEY,
      position   bigint      NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now()
    );
  `);
};

/** Drops the checkpoints. */
export const down = async (knex: Knex): Promise<void> => {
  await knex.raw('DROP TABLE projection_checkpoints');
};
