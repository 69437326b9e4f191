import type { Knex } from 'knex';

/**
 * The records reconciliation looks for: cost still an estimate, generation id known. A partial
 * index, so it holds only those few rows (reconciled ones leave it) and costs the append path
 * nothing for every other record.
 */
export const up = async (knex: Knex): Promise<void> => {
  await knex.raw(`
    CREATE INDEX inference_calls_unreconciled_idx ON inference_calls (created_at, id)
      WHERE cost_estimated AND upstream_id IS NOT NULL
  `);
};

/** Drops the index. */
export const down = async (knex: Knex): Promise<void> => {
  await knex.raw('DROP INDEX inference_calls_unreconciled_idx');
};
