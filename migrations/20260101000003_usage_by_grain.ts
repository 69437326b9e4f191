import type { Knex } from 'knex';

const TABLES = ['usage_minute', 'usage_hour', 'usage_day'] as const;

/**
 * Usage aggregates at three grains: `usage_minute` is the domain's UsageKey (minute × level ×
 * model × project); `usage_hour` and `usage_day` roll the same counters up. A usage query reads
 * whole days from the small day table and only its ragged ends from the finer ones. Money is integer nano-USD, summed exactly; `project_id` '' stands
 * for no project, as a primary key cannot hold NULL. Rows are updated in place on every append,
 * so pages keep free space for HOT updates.
 */
export const up = async (knex: Knex): Promise<void> => {
  for (const table of TABLES) {
    await knex.raw(`
      CREATE TABLE ${table} (
        bucket              timestamptz NOT NULL,
        level               text        NOT NULL,
        model               text        NOT NULL,
        project_id          text        NOT NULL DEFAULT '',
        calls               bigint      NOT NULL DEFAULT 0,
        succeeded_calls     bigint      NOT NULL DEFAULT 0,
        failed_calls        bigint      NOT NULL DEFAULT 0,
        cached_calls        bigint      NOT NULL DEFAULT 0,
        rate_limited_calls  bigint      NOT NULL DEFAULT 0,
        input_tokens        bigint      NOT NULL DEFAULT 0,
        output_tokens       bigint      NOT NULL DEFAULT 0,
        cost_nanos          bigint      NOT NULL DEFAULT 0,
        reported_cost_nanos bigint      NOT NULL DEFAULT 0,
        saved_nanos         bigint      NOT NULL DEFAULT 0,
        PRIMARY KEY (bucket, level, model, project_id)
      ) WITH (fillfactor = 80)
    `);
  }
};

/** Drops the aggregates (they can be rebuilt from the event log). */
export const down = async (knex: Knex): Promise<void> => {
  for (const table of [...TABLES].reverse()) await knex.raw(`DROP TABLE ${table}`);
};
