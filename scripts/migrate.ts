import { createKnex, migrateLatest, migrationConfig } from '../src/adapters/persistence/database';

/**
 * `npm run migrate`: applies pending migrations to `DATABASE_URL` ahead of a deploy (start-up
 * applies them too), under the same advisory lock the service takes. Problems are one line, no
 * stack: the operator's fix is in the message.
 */
const main = async (): Promise<string> => {
  const url = process.env.DATABASE_URL;
  if (!url) {
    throw new Error(
      'set DATABASE_URL to the PostgreSQL server to migrate, e.g. ' +
        'DATABASE_URL=postgres://user:password@host:5432/db npm run migrate',
    );
  }
  const db = createKnex(url);
  try {
    const before = await db.migrate
      .list(migrationConfig)
      .then(([, pending]: unknown[][]) => pending!.length);
    await migrateLatest(db);
    return before === 0 ? 'already up to date' : `applied ${before} migration(s)`;
  } finally {
    await db.destroy();
  }
};

main().then(
  (done) => process.stdout.write(`migrate: ${done}\n`),
  (e: unknown) => {
    process.stderr.write(`npm run migrate: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);
