import type { Knex } from 'knex';

const TABLES = [
  'usage_minute',
  'usage_hour',
  'usage_day',
  'usage_week',
  'usage_hour_all_projects',
] as const;

/**
 * The consumer key becomes a dimension of every usage aggregate (`key_id`, '' for calls made
 * without a key, as a primary key cannot hold NULL), so usage and series filter and group by key
 * from the aggregates. Existing rows are calls without a key. Adding a column with a constant
 * default rewrites nothing; the primary keys are rebuilt with the key as their last column.
 */
export const up = async (knex: Knex): Promise<void> => {
  for (const t of TABLES) {
    await knex.raw(`
      ALTER TABLE ${t} ADD COLUMN key_id text NOT NULL DEFAULT '';
      ALTER TABLE ${t} DROP CONSTRAINT ${t}_pkey;
      ALTER TABLE ${t} ADD PRIMARY KEY (bucket, level, model, project_id, key_id);
    `);
  }
};

/** Folds the key dimension back (rows that differ only by key are summed by a rebuild). */
export const down = async (knex: Knex): Promise<void> => {
  for (const t of TABLES) {
    await knex.raw(`TRUNCATE ${t}`);
    await knex.raw(`
      ALTER TABLE ${t} DROP CONSTRAINT ${t}_pkey;
      ALTER TABLE ${t} DROP COLUMN key_id;
      ALTER TABLE ${t} ADD PRIMARY KEY (bucket, level, model, project_id);
    `);
  }
};
