import type { Knex } from 'knex';
import { migrationConfig } from './src/adapters/persistence/database';

/**
 * For the knex CLI (`knex migrate:latest`, `migrate:rollback`) against `DATABASE_URL`. The
 * service migrates itself at start, embedded PostgreSQL included; this is for operators who
 * migrate an external server ahead of a deploy.
 */
const url = process.env.DATABASE_URL;
if (!url) throw new Error('set DATABASE_URL to the PostgreSQL server to migrate');

const config: Knex.Config = {
  client: 'pg',
  connection: url,
  migrations: migrationConfig,
};

export default config;
