import type { Knex } from 'knex';

/** The W3C trace id of each call (32 lowercase hex), null for calls outside any trace. */
export const up = async (knex: Knex): Promise<void> => {
  await knex.raw('ALTER TABLE inference_calls ADD COLUMN trace_id text');
};

/** Drops the column. */
export const down = async (knex: Knex): Promise<void> => {
  await knex.raw('ALTER TABLE inference_calls DROP COLUMN trace_id');
};
