import type { Knex } from 'knex';

/** Arbitrary, fixed: the session advisory lock that lets one retention pass run at a time. */
export const RETENTION_LOCK = 7_243_190_519;

/** A day, the grain of the partitions: 8.6 million records a day at 100 calls a second. */
export const DAY_MS = 86_400_000;

/** The two partitioned tables and the column each is partitioned by. */
export const PARTITIONED = [
  { table: 'inference_events', key: 'partition_at' },
  { table: 'inference_calls', key: 'created_at' },
] as const;

/** One of the partitioned tables. */
export type PartitionedTable = (typeof PARTITIONED)[number];

/** A daily partition: its table and the day [from, until) it holds. */
export interface DayPartition {
  readonly name: string;
  readonly from: number;
  readonly until: number;
}

/** The start of the UTC day holding `ms`. */
export const dayStart = (ms: number): number => Math.floor(ms / DAY_MS) * DAY_MS;

/** `inference_calls_p20261207`: the partition of a table for the day starting at `from`. */
export const partitionName = (table: string, from: number): string =>
  `${table}_p${new Date(from).toISOString().slice(0, 10).replaceAll('-', '')}`;

/** While set in a transaction, the log's guard lets rows of its default partition be moved. */
export const RETENTION_SETTING = "SELECT set_config('headspace.retention', 'on', true)";

/** Most time a pass waits for a lock on a live table before it gives up and tries again. */
export const LOCK_TIMEOUT = "SET LOCAL lock_timeout = '100ms'";

const LOCK_NOT_AVAILABLE = '55P03';

/**
 * Waits as long as the batch just done took: a pass reading a day's millions of rows takes at
 * most about half of a core and of the database's time, leaving the rest to the calls.
 */
export const yieldAfter = (startedAt: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, performance.now() - startedAt));

/**
 * Runs `fn` (a transaction that sets `LOCK_TIMEOUT`) again while it fails for want of a lock,
 * up to `attempts` times with a short growing pause: a pass yields to appends rather than
 * queueing them behind its lock. Resolves with `busy` when it never got the lock.
 */
export const withLockRetries = async <T>(
  fn: () => Promise<T>,
  attempts = 50,
): Promise<T | 'busy'> => {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      if ((e as { code?: unknown }).code !== LOCK_NOT_AVAILABLE) throw e;
      if (attempt >= attempts) return 'busy';
      await new Promise((r) => setTimeout(r, 20 * attempt));
    }
  }
};

/** The daily partitions of `table` (not the default, nor the one kept for ever), oldest first. */
export const dayPartitions = async (db: Knex, table: string): Promise<DayPartition[]> => {
  const { rows } = await db.raw(
    `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = ?::regclass`,
    [table],
  );
  const out: DayPartition[] = [];
  // Every daily partition is made (by the migration or a pass) under its day's name.
  const named = new RegExp(`^${table}_p(\\d{4})(\\d{2})(\\d{2})$`);
  for (const r of rows as Array<{ name: string }>) {
    const m = named.exec(r.name);
    if (!m) continue;
    const from = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
    out.push({ name: r.name, from, until: from + DAY_MS });
  }
  return out.sort((a, b) => a.from - b.from);
};

/** The days of rows in `table`'s default partition (rows no daily partition was there for). */
export const strayDays = async (db: Knex, t: PartitionedTable): Promise<number[]> => {
  const { rows } = await db.raw(
    `SELECT DISTINCT date_trunc('day', ${t.key}, 'UTC') AS day FROM ${t.table}_default
     WHERE ${t.key} < 'infinity'`,
  );
  return (rows as Array<{ day: Date }>).map((r) => r.day.getTime());
};

/** A day's rows turned up in the default partition after it was checked: try again, moving them. */
class RowsToMove extends Error {}

/**
 * Makes the partition of `t` for the day starting at `from`, in one transaction: made as a table
 * of its own and attached, which takes a lock on the parent that appends and reads do not wait
 * for (SHARE UPDATE EXCLUSIVE), with the default partition locked while it is checked (it is
 * meant to be near empty). When the default partition holds rows of that day (`move`), they
 * are moved into the new partition, and then the parent is locked (ACCESS EXCLUSIVE, for the
 * few milliseconds of the move) first: a statement planned without the new partition must not
 * run after the rows left the default one, or it would not see them at all.
 */
export const createDayPartition = async (
  db: Knex,
  t: PartitionedTable,
  from: number,
  move = false,
): Promise<void> => {
  const name = partitionName(t.table, from);
  const [a, b] = [new Date(from).toISOString(), new Date(from + DAY_MS).toISOString()];
  const attempt = (moving: boolean) =>
    withLockRetries(() =>
      db.transaction(async (trx) => {
        await trx.raw(LOCK_TIMEOUT);
        await trx.raw(RETENTION_SETTING);
        if (moving) await trx.raw(`LOCK TABLE ${t.table} IN ACCESS EXCLUSIVE MODE`);
        // No append may add a row of this day to the default partition until it is attached.
        // ATTACH takes this lock on the default partition anyway: taken first, it is never an
        // upgrade that deadlocks with an append holding a weaker one.
        await trx.raw(`LOCK TABLE ${t.table}_default IN ACCESS EXCLUSIVE MODE`);
        await trx.raw(
          `CREATE TABLE ${name} (LIKE ${t.table} INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE)`,
        );
        const moved = await trx.raw(
          `WITH moved AS (DELETE FROM ${t.table}_default WHERE ${t.key} >= ? AND ${t.key} < ? RETURNING *)
           INSERT INTO ${name} SELECT * FROM moved`,
          [a, b],
        );
        if (!moving && (moved.rowCount ?? 0) > 0) throw new RowsToMove();
        await trx.raw(`ALTER TABLE ${name} ADD CONSTRAINT ${name}_bounds
          CHECK (${t.key} >= '${a}' AND ${t.key} < '${b}')`);
        await trx.raw(
          `ALTER TABLE ${t.table} ATTACH PARTITION ${name} FOR VALUES FROM ('${a}') TO ('${b}')`,
        );
        await trx.raw(`ALTER TABLE ${name} DROP CONSTRAINT ${name}_bounds`);
      }),
    );
  let done: void | 'busy';
  try {
    done = await attempt(move);
  } catch (e) {
    if (!(e instanceof RowsToMove)) throw e;
    done = await attempt(true);
  }
  if (done === 'busy') throw new Error(`${name}: ${t.table} stayed busy (lock not available)`);
};

/**
 * Every partition the days `days` need, for both tables, and those of the rows waiting in a
 * default partition: made if missing. Returns the partitions made.
 */
export const ensurePartitions = async (db: Knex, days: readonly number[]): Promise<string[]> => {
  const made: string[] = [];
  for (const t of PARTITIONED) {
    const have = new Set((await dayPartitions(db, t.table)).map((p) => p.from));
    const strays = new Set(await strayDays(db, t));
    const want = new Set([...days.map(dayStart), ...strays]);
    for (const day of [...want].sort((x, y) => x - y)) {
      if (have.has(day)) continue;
      await createDayPartition(db, t, day, strays.has(day));
      made.push(partitionName(t.table, day));
    }
  }
  return made;
};
