import type { Knex } from 'knex';

/**
 * `inference_calls`, one row per call, exactly as CONTRACT §2. Money is numeric(20,9) USD. The
 * filter indexes lead with their column and end with (created_at, id), so a filtered page is
 * one backward index range scan; the plain (created_at, id) index serves unfiltered paging and
 * any query on created_at alone.
 */
export const up = async (knex: Knex): Promise<void> => {
  await knex.raw(`
    CREATE TABLE inference_calls (
      id                uuid          PRIMARY KEY,
      created_at        timestamptz   NOT NULL,
      level             text          NOT NULL
        CHECK (level IN ('turn', 'task', 'project', 'objective')),
      purpose           text          NOT NULL,
      model             text          NOT NULL,
      status            text          NOT NULL
        CHECK (status IN ('succeeded', 'failed', 'cached', 'rate_limited')),
      input_tokens      integer       NOT NULL,
      output_tokens     integer       NOT NULL,
      input_hash        char(64)      NOT NULL,
      result_text       text,
      latency_ms        integer       NOT NULL,
      cost_usd          numeric(20,9) NOT NULL,
      reported_cost_usd numeric(20,9),
      error_message     text,
      attempts          integer       NOT NULL,
      project_id        text,
      agent_id          text,
      command_id        text,
      turn_id           text,
      upstream_id       text
    );
    CREATE INDEX inference_calls_created_at_id_idx ON inference_calls (created_at, id);
    CREATE INDEX inference_calls_level_idx ON inference_calls (level, created_at, id);
    CREATE INDEX inference_calls_project_id_idx ON inference_calls (project_id, created_at, id);
    CREATE INDEX inference_calls_input_hash_idx ON inference_calls (input_hash);
  `);
};

/** Drops the call records (they can be rebuilt from the event log). */
export const down = async (knex: Knex): Promise<void> => {
  await knex.raw('DROP TABLE inference_calls');
};
