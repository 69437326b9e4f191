import { knex, type Knex } from 'knex';
import { MIGRATIONS, type NamedMigration } from '../../../migrations';

/** Hands knex the statically imported migrations, so it never scans a directory for them. */
export const migrationSource: Knex.MigrationSource<NamedMigration> = {
  getMigrations: () => Promise.resolve([...MIGRATIONS]),
  getMigrationName: (m) => m.name,
  getMigration: (m) => Promise.resolve({ up: m.up, down: m.down }),
};

/** The migrator configuration every caller shares (service start, knexfile, tests). */
export const migrationConfig: Knex.MigratorConfig = { migrationSource };

interface PgConnection {
  query(sql: string, cb: (err: Error | null) => void): void;
}

/** Options for a pool on one database. */
export interface PoolOptions {
  readonly poolMax?: number;
  /** How long a query may wait for a connection before failing. */
  readonly acquireTimeoutMs?: number;
  /** How long connecting may take before it fails (default 5 s). */
  readonly connectTimeoutMs?: number;
  /**
   * Where knex's own warnings go (lost connections while the server is down); default nowhere,
   * as the call log already reports what failed, once and in context.
   */
  readonly onWarning?: (message: string) => void;
  /**
   * Allow parallel query plans (default false): the service's statements read a few thousand
   * rows at most, where starting workers costs more than it saves; benches comparing against a
   * full scan turn them back on.
   */
  readonly parallel?: boolean;
}

/**
 * A knex pool on `url`. Connecting fails fast (5 s) so an unreachable server surfaces as an
 * error the call log can backlog, instead of a request that hangs.
 */
export const createKnex = (url: string, opts: PoolOptions = {}): Knex =>
  knex({
    client: 'pg',
    connection: {
      connectionString: url,
      connectionTimeoutMillis: opts.connectTimeoutMs ?? 5000,
      application_name: 'headspace-inference',
    },
    pool: {
      min: 0,
      max: opts.poolMax ?? 10,
      afterCreate: (conn: PgConnection, done: (err: Error | null, conn: PgConnection) => void) => {
        if (opts.parallel) return done(null, conn);
        conn.query('SET max_parallel_workers_per_gather = 0', (err) => done(err, conn));
      },
    },
    acquireConnectionTimeout: opts.acquireTimeoutMs ?? 10_000,
    log: {
      warn: (m: unknown) => opts.onWarning?.(String(m)),
      error: (m: unknown) => opts.onWarning?.(String(m)),
      deprecate: (m: unknown) => opts.onWarning?.(String(m)),
      debug: () => undefined,
    },
  });

/** Arbitrary, fixed: the advisory lock every instance takes around its migrations. */
const MIGRATION_LOCK = 7_243_190_517;

/**
 * Applies every pending migration. Instances starting together on a fresh database would race
 * to create knex's own bookkeeping tables (one fails on a duplicate type), so they take turns
 * under a session advisory lock held on a connection of its own (so the pool needs two).
 */
export const migrateLatest = async (db: Knex): Promise<void> => {
  const conn: unknown = await db.client.acquireConnection();
  try {
    await db.raw('SELECT pg_advisory_lock(?)', [MIGRATION_LOCK]).connection(conn);
    try {
      await db.migrate.latest(migrationConfig);
    } finally {
      await db.raw('SELECT pg_advisory_unlock(?)', [MIGRATION_LOCK]).connection(conn);
    }
  } finally {
    await db.client.releaseConnection(conn);
  }
};

/** True when the database answers and every migration is applied (for `/readyz`). */
export const isReady = async (db: Knex, timeoutMs = 2000): Promise<boolean> => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  // Read-only: knex's own migrate.list() would create its tables on a database without them.
  // Each query has the timeout too, so a frozen server's connection is discarded, not kept busy.
  const check = (async () => {
    const { rows } = await db
      .raw("SELECT to_regclass('knex_migrations') IS NOT NULL AS present")
      .timeout(timeoutMs);
    if (!rows[0]?.present) return false;
    const done: Array<{ name: string }> = await db('knex_migrations')
      .select('name')
      .timeout(timeoutMs);
    const names = new Set(done.map((r) => r.name));
    return MIGRATIONS.every((m) => names.has(m.name));
  })().catch(() => false);
  try {
    return await Promise.race([check, timeout]);
  } finally {
    clearTimeout(timer);
  }
};
