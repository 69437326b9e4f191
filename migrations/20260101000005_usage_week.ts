import type { Knex } from 'knex';

// A copy, not an import of the read model's list: a migration must stay as it ran, whatever the
// code later becomes.
const COUNTERS = [
  'calls',
  'succeeded_calls',
  'failed_calls',
  'cached_calls',
  'rate_limited_calls',
  'input_tokens',
  'output_tokens',
  'cost_nanos',
  'reported_cost_nanos',
  'saved_nanos',
];

/**
 * A week grain over the usage aggregates (7 days from the Unix epoch, so Thursday to Thursday
 * UTC): a query over months reads a dozen week rows per level × model × project instead of
 * ninety day rows, and only its ragged ends from the finer grains. Filled from `usage_day`.
 */
export const up = async (knex: Knex): Promise<void> => {
  await knex.raw(`
    CREATE TABLE usage_week (LIKE usage_day INCLUDING DEFAULTS INCLUDING CONSTRAINTS,
      PRIMARY KEY (bucket, level, model, project_id)) WITH (fillfactor = 80);
    INSERT INTO usage_week (bucket, level, model, project_id, ${COUNTERS.join(', ')})
    SELECT to_timestamp(floor(extract(epoch FROM bucket) / 604800) * 604800), level, model,
      project_id, ${COUNTERS.map((c) => `sum(${c})`).join(', ')}
    FROM usage_day GROUP BY 1, 2, 3, 4;
  `);
};

/** Drops the week grain. */
export const down = async (knex: Knex): Promise<void> => {
  await knex.raw('DROP TABLE usage_week');
};
