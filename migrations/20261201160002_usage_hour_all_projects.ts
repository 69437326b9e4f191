import type { Knex } from 'knex';

/**
 * Hourly usage summed over every project (`project_id` always ''): a usage series over a month
 * by hour reads ~3,000 of these rows instead of ~60,000 per-project ones. Filled from
 * `usage_hour`, summing every counter column it has when this runs.
 */
export const up = async (knex: Knex): Promise<void> => {
  const { rows } = await knex.raw(`
    SELECT column_name FROM information_schema.columns
    WHERE table_schema = current_schema() AND table_name = 'usage_hour'
      AND column_name NOT IN ('bucket', 'level', 'model', 'project_id')
    ORDER BY ordinal_position`);
  const counters = (rows as Array<{ column_name: string }>).map((r) => r.column_name);
  await knex.raw(`
    CREATE TABLE usage_hour_all_projects (LIKE usage_hour INCLUDING DEFAULTS INCLUDING CONSTRAINTS,
      PRIMARY KEY (bucket, level, model, project_id)) WITH (fillfactor = 80);
    INSERT INTO usage_hour_all_projects (bucket, level, model, project_id, ${counters.join(', ')})
    SELECT bucket, level, model, '', ${counters.map((c) => `sum(${c})`).join(', ')}
    FROM usage_hour GROUP BY 1, 2, 3;
  `);
};

/** Drops the rollup. */
export const down = async (knex: Knex): Promise<void> => {
  await knex.raw('DROP TABLE usage_hour_all_projects');
};
