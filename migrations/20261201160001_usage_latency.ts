import type { Knex } from 'knex';

// Listed here, not imported: a migration must stay as it ran, whatever the code later becomes.
const GRAINS: ReadonlyArray<readonly [table: string, seconds: number]> = [
  ['usage_minute', 60],
  ['usage_hour', 3600],
  ['usage_day', 86400],
  ['usage_week', 604800],
];

/**
 * What a usage series needs for mean latency and mean time to first token per bucket: sums and
 * counts, additive like every other counter. Latency counts succeeded calls; time to first token
 * only the calls that know one. Existing rows get their latency from the call records they
 * summarise (time to first token was not recorded before, so it starts at zero).
 */
export const up = async (knex: Knex): Promise<void> => {
  for (const [table, secs] of GRAINS) {
    await knex.raw(`
      ALTER TABLE ${table}
        ADD COLUMN latency_ms_sum bigint NOT NULL DEFAULT 0,
        ADD COLUMN latency_calls  bigint NOT NULL DEFAULT 0,
        ADD COLUMN ttft_ms_sum    bigint NOT NULL DEFAULT 0,
        ADD COLUMN ttft_calls     bigint NOT NULL DEFAULT 0;
      UPDATE ${table} AS u SET latency_ms_sum = c.total, latency_calls = c.n
      FROM (
        SELECT to_timestamp(floor(extract(epoch FROM created_at) / ${secs}) * ${secs}) AS bucket, level, model, coalesce(project_id, '') AS project_id,
          sum(latency_ms) AS total, count(*) AS n
        FROM inference_calls WHERE status = 'succeeded' GROUP BY 1, 2, 3, 4
      ) AS c
      WHERE u.bucket = c.bucket AND u.level = c.level AND u.model = c.model
        AND u.project_id = c.project_id;
    `);
  }
};

/** Drops the latency columns. */
export const down = async (knex: Knex): Promise<void> => {
  for (const [table] of GRAINS) {
    await knex.raw(`ALTER TABLE ${table} DROP COLUMN latency_ms_sum, DROP COLUMN latency_calls,
      DROP COLUMN ttft_ms_sum, DROP COLUMN ttft_calls`);
  }
};
