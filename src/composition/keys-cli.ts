import { randomUUID } from 'node:crypto';
import { makeKeyAdmin, type KeyAdminError, type KeyView } from '../application';
import { KnexKeyStore } from '../adapters/persistence';
import { SystemClock } from '../adapters/system/system-clock';
import { loadConfig } from './config';
import { openDatabase } from './database';
import { FLAG_OF_FIELD, KEYS_HELP, parseKeysArgs, type KeysCommand } from './keys-args';
import { Lifecycle } from './lifecycle';
import { createLogger } from './logger';

/** Where the CLI writes: the key alone on `out` (for scripts), everything else on `err`. */
interface Io {
  readonly out: (s: string) => void;
  readonly err: (s: string) => void;
}

const failure = (e: KeyAdminError): Error => {
  if (e.code !== 'invalid_request') return new Error(e.detail);
  const flag = FLAG_OF_FIELD[e.field] ?? FLAG_OF_FIELD[e.field.split('.')[0] ?? ''];
  return new Error(flag ? `${flag}: ${e.detail.slice(e.field.length + 2)}` : e.detail);
};

const row = (k: KeyView): string =>
  [
    k.id,
    k.name,
    k.scopes.join(','),
    k.revokedAt ? `revoked ${k.revokedAt}` : k.expiresAt ? `expires ${k.expiresAt}` : 'active',
    `last used ${k.lastUsedAt ?? 'never'}`,
  ].join('  ');

/** Runs one command against the configured database. */
const run = async (command: KeysCommand, configPath: string | undefined, io: Io): Promise<void> => {
  if (command.cmd === 'help') return io.out(KEYS_HELP);
  const loaded = loadConfig({ path: configPath });
  if (loaded.isErr()) throw new Error(loaded.error.message);
  const lifecycle = new Lifecycle();
  try {
    const { knex } = await openDatabase(loaded.value, createLogger('warn'), lifecycle);
    const admin = makeKeyAdmin({
      store: new KnexKeyStore(knex, loaded.value.database.statementTimeoutMs),
      clock: new SystemClock(),
      newId: randomUUID,
    });
    if (command.cmd === 'create') {
      const r = await admin.issue(command.body);
      if (r.isErr()) throw failure(r.error);
      const { view, key } = r.value;
      io.err(
        `issued key ${view.id} (${view.name}), scopes ${view.scopes.join(', ')}; it is shown only now:\n`,
      );
      io.out(`${key}\n`);
    } else if (command.cmd === 'list') {
      const r = await admin.list();
      if (r.isErr()) throw failure(r.error);
      if (r.value.length === 0) io.err('no keys\n');
      for (const k of r.value) io.out(`${row(k)}\n`);
    } else if (command.cmd === 'revoke') {
      const r = await admin.revoke(command.id);
      if (r.isErr()) throw failure(r.error);
      io.err(`revoked key ${command.id}: refused on every instance within a second\n`);
    } else {
      const r = await admin.rotate(command.id, command.body);
      if (r.isErr()) throw failure(r.error);
      io.err(
        `rotated key ${command.id}; the old secret works until ${r.value.previousValidUntil}; the new key is shown only now:\n`,
      );
      io.out(`${r.value.key}\n`);
    }
  } finally {
    await lifecycle.close();
  }
};

/**
 * `npm run keys -- create|list|revoke|rotate …`: consumer keys without HTTP (the first admin
 * key, or when the service is down), through the same use cases and events as the HTTP routes.
 * A running service sees the change within a second (it is notified, and polls).
 */
const main = async (): Promise<void> => {
  const argv = process.argv.slice(2);
  const at = argv.indexOf('--config');
  const command = parseKeysArgs(argv);
  await run(command, at >= 0 ? argv[at + 1] : undefined, {
    out: (s) => process.stdout.write(s),
    err: (s) => process.stderr.write(s),
  });
};

main().catch((e: unknown) => {
  process.stderr.write(`npm run keys: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
