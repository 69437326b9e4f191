import type { Knex } from 'knex';

// Listed here, not imported: a migration must stay as it ran, whatever the code later becomes.
const GRAINS: ReadonlyArray<readonly [table: string, seconds: number, project: string]> = [
  ['usage_minute', 60, "coalesce(project_id, '')"],
  ['usage_hour', 3600, "coalesce(project_id, '')"],
  ['usage_day', 86400, "coalesce(project_id, '')"],
  ['usage_week', 604800, "coalesce(project_id, '')"],
  ['usage_hour_all_projects', 3600, "''"],
];
const STATUSES = ['failed', 'cancelled', 'interrupted'];
const FIGURES: ReadonlyArray<readonly [suffix: string, expr: string]> = [
  ['input_tokens', 'input_tokens'],
  ['output_tokens', 'output_tokens'],
  ['reasoning_tokens', 'reasoning_tokens'],
  ['cost_nanos', 'cost_usd * 1000000000'],
];
const COLUMNS = STATUSES.flatMap((s) =>
  FIGURES.map(([suffix, expr]) => [`${s}_${suffix}`, s, expr]),
);

/**
 * The tokens and cost of failed, cancelled and interrupted calls, apart from the totals, so that
 * a usage series by status gives each status its own spend instead of reporting it with
 * succeeded calls. Existing rows are filled from the call records they summarise (a reconciled
 * record already holds the figures its usage was moved to).
 */
export const up = async (knex: Knex): Promise<void> => {
  for (const [table, secs, project] of GRAINS) {
    await knex.raw(`
      ALTER TABLE ${table}
        ${COLUMNS.map(([c]) => `ADD COLUMN ${c} bigint NOT NULL DEFAULT 0`).join(',\n        ')};
      UPDATE ${table} AS u SET ${COLUMNS.map(([c]) => `${c} = s.${c}`).join(', ')}
      FROM (
        SELECT to_timestamp(floor(extract(epoch FROM created_at) / ${secs}) * ${secs}) AS bucket,
          level, model, ${project} AS project_id,
          ${COLUMNS.map(([c, s, e]) => `coalesce(sum(${e}) FILTER (WHERE status = '${s}'), 0) AS ${c}`).join(',\n          ')}
        FROM inference_calls WHERE status IN ('failed', 'cancelled', 'interrupted')
        GROUP BY 1, 2, 3, 4
      ) AS s
      WHERE u.bucket = s.bucket AND u.level = s.level AND u.model = s.model
        AND u.project_id = s.project_id;
    `);
  }
};

/** Drops the columns. */
export const down = async (knex: Knex): Promise<void> => {
  for (const [table] of GRAINS) {
    await knex.raw(`ALTER TABLE ${table} ${COLUMNS.map(([c]) => `DROP COLUMN ${c}`).join(', ')}`);
  }
};
