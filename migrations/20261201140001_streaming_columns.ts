import type { Knex } from 'knex';

/**
 * Streaming facts on each call record: `streamed` (the caller asked for a stream) and `ttft_ms`
 * (time to the first delta it got). Additive: existing rows were not streamed.
 */
export const up = async (knex: Knex): Promise<void> => {
  await knex.raw(`
    ALTER TABLE inference_calls
      ADD COLUMN streamed boolean NOT NULL DEFAULT false,
      ADD COLUMN ttft_ms  integer
  `);
};

/** Drops the streaming columns. */
export const down = async (knex: Knex): Promise<void> => {
  await knex.raw('ALTER TABLE inference_calls DROP COLUMN ttft_ms, DROP COLUMN streamed');
};
