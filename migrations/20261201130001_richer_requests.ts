import type { Knex } from 'knex';

const USAGE_TABLES = ['usage_minute', 'usage_hour', 'usage_day', 'usage_week'];

/**
 * Richer answers: reasoning and cached-input tokens, the model's tool calls and why it stopped,
 * on every call record; reasoning tokens on every usage grain. Additive: old rows read as zero
 * tokens, no tool calls and no finish reason, which is what their events say.
 */
export const up = async (knex: Knex): Promise<void> => {
  await knex.raw(`
    ALTER TABLE inference_calls
      ADD COLUMN reasoning_tokens    integer NOT NULL DEFAULT 0,
      ADD COLUMN cached_input_tokens integer NOT NULL DEFAULT 0,
      ADD COLUMN tool_calls          jsonb,
      ADD COLUMN finish_reason       text;
    ${USAGE_TABLES.map(
      (t) => `ALTER TABLE ${t} ADD COLUMN reasoning_tokens bigint NOT NULL DEFAULT 0;`,
    ).join('\n')}
  `);
};

/** Drops the columns again. */
export const down = async (knex: Knex): Promise<void> => {
  await knex.raw(`
    ${USAGE_TABLES.map((t) => `ALTER TABLE ${t} DROP COLUMN reasoning_tokens;`).join('\n')}
    ALTER TABLE inference_calls DROP COLUMN reasoning_tokens, DROP COLUMN cached_input_tokens,
      DROP COLUMN tool_calls, DROP COLUMN finish_reason;
  `);
};
