import type { Knex } from 'knex';
import { evolveKey, KEY_EVENT_TYPES, type ConsumerKey, type KeyEvent } from '../../../domain';
import type { KeyStore } from '../../../ports';
import { DEFAULT_STATEMENT_TIMEOUT_MS } from '../defaults';
import { keyOfRow, rowOfKey, type KeyRow } from './key-rows';

/**
 * The transaction-scoped advisory lock every key event takes before it is inserted: key events
 * then get their log positions in commit order, so an instance that has seen position p has
 * seen every key event before it (its poll compares max(position)), and a rebuild replaying by
 * position applies them in the order they were applied live.
 */
const KEY_EVENTS_LOCK = 7_243_190_519;

/** The PostgreSQL channel a key event is announced on (its payload: the event's position). */
export const KEYS_CHANNEL = 'headspace_keys';

interface Listening {
  query(sql: string): Promise<unknown>;
  on(event: 'notification', fn: () => void): void;
  on(event: 'error' | 'end', fn: (e?: unknown) => void): void;
  end(): Promise<void>;
}

/**
 * Keys in PostgreSQL: each event is appended to `inference_events` and applied to
 * `consumer_keys` in one transaction, which also sends `NOTIFY headspace_keys` (delivered at
 * commit). `onChange` listens on a connection of its own, outside the pool, reopened by the
 * next `version` poll after it drops.
 */
export class KnexKeyStore implements KeyStore {
  private readonly listeners = new Set<() => void>();
  private listening: Listening | undefined;
  private connecting: Promise<void> | undefined;
  private closed = false;

  /**
   * `statementTimeoutMs` bounds every query (default as the configuration's): a database that
   * hangs must not hold the key directory's refreshes, which queue behind one another.
   */
  constructor(
    private readonly db: Knex,
    private readonly statementTimeoutMs = DEFAULT_STATEMENT_TIMEOUT_MS,
  ) {}

  append(event: KeyEvent): Promise<void> {
    const ms = this.statementTimeoutMs;
    return this.db.transaction(async (trx) => {
      await trx.raw(`SET LOCAL statement_timeout = ${Math.trunc(ms)}`).timeout(ms);
      await trx.raw('SELECT pg_advisory_xact_lock(?)', [KEY_EVENTS_LOCK]).timeout(ms);
      const inserted = await trx('inference_events')
        .insert({
          event_id: event.eventId,
          type: event.type,
          occurred_at: event.occurredAt,
          data: JSON.stringify(event.data),
          // About no call: filed in the partition retention never drops.
          partition_at: 'infinity',
        })
        .returning('position')
        .timeout(ms);
      const position = Number((inserted[0] as { position: string | number }).position);
      const before = await trx<KeyRow>('consumer_keys')
        .where('id', event.data.keyId)
        .forUpdate()
        .first()
        .timeout(ms);
      const after = evolveKey(before ? keyOfRow(before) : undefined, event);
      if (after) {
        await trx('consumer_keys')
          .insert(rowOfKey(after, position))
          .onConflict('id')
          .merge()
          .timeout(ms);
      }
      await trx.raw('SELECT pg_notify(?, ?)', [KEYS_CHANNEL, String(position)]).timeout(ms);
    });
  }

  async all(): Promise<readonly ConsumerKey[]> {
    const rows = await this.db<KeyRow>('consumer_keys')
      .select('*')
      .orderBy('created_at')
      .timeout(this.statementTimeoutMs);
    return rows.map(keyOfRow);
  }

  async version(): Promise<number> {
    if (this.listeners.size > 0) void this.listen();
    const r = await this.db
      .raw('SELECT coalesce(max(position), 0)::text AS v FROM consumer_keys')
      .timeout(this.statementTimeoutMs);
    return Number((r.rows[0] as { v: string }).v);
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    void this.listen();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.stopListening();
    };
  }

  async touch(uses: ReadonlyMap<string, number>): Promise<void> {
    if (uses.size === 0) return;
    const rows = [...uses].map(([key_id, at]) => ({ key_id, last_used_at: new Date(at) }));
    await this.db
      .raw(
        `INSERT INTO consumer_key_last_used AS u (key_id, last_used_at)
       SELECT key_id, last_used_at FROM json_to_recordset(?::json)
         AS x(key_id text, last_used_at timestamptz)
       ON CONFLICT (key_id) DO UPDATE
         SET last_used_at = greatest(u.last_used_at, EXCLUDED.last_used_at)`,
        [JSON.stringify(rows)],
      )
      .timeout(this.statementTimeoutMs);
  }

  async lastUsed(): Promise<ReadonlyMap<string, string>> {
    const rows: Array<{ key_id: string; last_used_at: Date }> = await this.db(
      'consumer_key_last_used',
    )
      .select('key_id', 'last_used_at')
      .timeout(this.statementTimeoutMs);
    return new Map(rows.map((r) => [r.key_id, r.last_used_at.toISOString()]));
  }

  /** Stops listening for good (the store's pool is closed by its owner). */
  close(): void {
    this.closed = true;
    this.stopListening();
  }

  /** Opens the listening connection if it is not open; failures wait for the next poll. */
  private listen(): Promise<void> {
    if (this.closed || this.listening) return Promise.resolve();
    this.connecting ??= (async () => {
      let conn: Listening | undefined;
      try {
        conn = (await this.db.client.acquireRawConnection()) as Listening;
        const c = conn;
        const lost = () => {
          if (this.listening === c) this.listening = undefined;
          void c.end().catch(() => undefined);
        };
        c.on('error', lost);
        c.on('end', lost);
        c.on('notification', () => {
          for (const l of this.listeners) l();
        });
        await c.query(`LISTEN ${KEYS_CHANNEL}`);
        if (this.closed) return void (await c.end().catch(() => undefined));
        this.listening = c;
      } catch {
        await conn?.end().catch(() => undefined);
      }
    })().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private stopListening(): void {
    const c = this.listening;
    this.listening = undefined;
    void c?.end().catch(() => undefined);
  }
}

/** The key event types, as the rebuild reads them from the log. */
export const KEY_TYPES = KEY_EVENT_TYPES;
