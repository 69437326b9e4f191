import type { Knex } from 'knex';

/**
 * Usage aggregates: the domain's UsageKey (minute × level × model × project) plus hour and day
 * rollups of the same counters, told apart by `grain`. A usage query reads whole days from the
 * day rows and only its ragged edges from hour and minute rows, so months cost a few thousand
 * rows. Money is integer nano-USD, summed exactly; `project_id` '' stands for no project, as a
 * primary key cannot hold NULL.
 */
export const up = async (knex: Knex): Promise<void> => {
  await knex.raw(`
    CREATE TABLE usage_aggregates (
      grain               text        NOT NULL CHECK (grain IN ('minute', 'hour', 'day')),
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
      PRIMARY KEY (grain, bucket, level, model, project_id)
    );
  `);
};

/** Drops the aggregates (they can be rebuilt from the event log). */
export const down = async (knex: Knex): Promise<void> => {
  await knex.raw('DROP TABLE usage_aggregates');
};
