import type { CallRecords, UsageReadModel } from '../../../ports';
import type { DatabaseAvailability } from '../database-availability';

/**
 * Reads that wait for nothing: until the database is there and migrated they reject at once with
 * a `DatabaseUnavailableError`, which the use cases answer as `503 unavailable`, instead of a
 * connection attempt or a query on tables that do not exist yet.
 */
const guarded =
  <A extends unknown[], R>(a: DatabaseAvailability, read: (...args: A) => Promise<R>) =>
  async (...args: A): Promise<R> => {
    a.assertReady();
    return read(...args);
  };

/** `inner` behind the database's availability. */
export const usageWhenAvailable = (
  inner: UsageReadModel,
  a: DatabaseAvailability,
): UsageReadModel => ({
  caughtUp: guarded(a, (ms) => inner.caughtUp(ms)),
  lag: guarded(a, () => inner.lag()),
  usage: guarded(a, (q) => inner.usage(q)),
  series: guarded(a, (q) => inner.series(q)),
});

/** `inner` behind the database's availability. */
export const recordsWhenAvailable = (inner: CallRecords, a: DatabaseAvailability): CallRecords => ({
  list: guarded(a, (q) => inner.list(q)),
  get: guarded(a, (id) => inner.get(id)),
  unreconciled: guarded(a, (since, limit) => inner.unreconciled(since, limit)),
});
