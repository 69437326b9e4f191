import type { Knex } from 'knex';
import type { CallLogEvent } from '../../../domain';
import { appendStatementFor } from '../projections/projection-sql';
import { projectionPayload } from '../projections/rows';
import { WriteTimeoutError } from './group-commit';

interface PooledConnection {
  query(q: { name: string; text: string; values: unknown[] }): Promise<unknown>;
  /** knex's mark for a connection its pool must destroy instead of reusing. */
  __knex__disposed?: unknown;
}

/** The error of a row whose partition changed while it waited: the same statement succeeds again. */
export const isRerouted = (e: unknown): boolean =>
  (e as { code?: unknown }).code === '23514' &&
  /violates partition constraint/.test((e as { message?: unknown }).message as string);

/**
 * Appends `events` in one statement (see `appendStatementFor`), prepared on a connection of
 * `db`'s pool. It goes to the driver directly: knex rewrites a raw query's `?` placeholders on
 * every call, scanning and copying the whole statement (~20 KB): 7% of the service's CPU per
 * call at 500 req/s. Past `timeoutMs` the write fails and its connection is disposed,
 * as knex's own query timeout does: a connection still waiting on a hung server is never reused.
 */
export const appendEvents = async (
  db: Knex,
  events: readonly CallLogEvent[],
  timeoutMs: number,
): Promise<void> => {
  const { name, sql } = appendStatementFor(events);
  const conn = (await db.client.acquireConnection()) as PooledConnection;
  let timer: NodeJS.Timeout | undefined;
  try {
    const values = [projectionPayload(events)];
    const query = conn
      .query({ name, text: sql, values })
      // A row routed to a default partition while a retention pass attached its day's partition
      // (which it moves the default's rows of that day into) fails the default's new bound:
      // sent again, it is routed to the new partition.
      .catch((e: unknown) => {
        if (!isRerouted(e)) throw e;
        return conn.query({ name, text: sql, values });
      });
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const e = new WriteTimeoutError(timeoutMs);
        conn.__knex__disposed = e;
        reject(e);
      }, timeoutMs);
    });
    // Past the deadline the query's own end is of no interest (the batch went to the journal).
    query.catch(() => undefined);
    await Promise.race([query, late]);
  } finally {
    clearTimeout(timer);
    await db.client.releaseConnection(conn);
  }
};
