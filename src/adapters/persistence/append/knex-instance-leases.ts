import { hostname } from 'node:os';
import type { Knex } from 'knex';
import type { OpenIntent } from '../../../domain';
import type { InstanceLeases } from '../../../ports';

/** Advisory-lock namespace (the first key of the two-key form) of instance leases. Fixed. */
const LEASE_LOCKS = 724_319;

/** A row of `inference_intents` as `orphans` reads it. */
interface OrphanRow {
  readonly call_id: string;
  readonly created_at: Date;
  readonly data: OpenIntent['data'];
  readonly upstream_id: string | null;
}

/** Lease settings. */
export interface LeaseOptions {
  /** This instance. */
  readonly instanceId: string;
  /** Instances known to be this one's predecessors (same data_dir): dead once unlocked. */
  readonly predecessors?: readonly string[];
  /** A lease not renewed for this long, and not locked, is dead (default 30 s). */
  readonly staleAfterMs?: number;
}

/**
 * Leases in PostgreSQL: a row per instance in `inference_instances` with a heartbeat, and a
 * session advisory lock on the row's `lock_key`, held on a connection of its own for the life of
 * the process. PostgreSQL drops the lock the moment that session ends (a crash, `kill -9`, power
 * loss), so an instance is dead when its lock is free and either it stopped, it is a known
 * predecessor, or its heartbeat is stale. Both conditions guard against settling a live
 * instance whose lock connection alone was lost.
 */
export class KnexInstanceLeases implements InstanceLeases {
  private conn: unknown;
  private lockKey: number | undefined;

  constructor(
    private readonly db: Knex,
    private readonly o: LeaseOptions,
  ) {}

  async acquire(): Promise<void> {
    const { rows } = await this.db.raw(
      `INSERT INTO inference_instances (instance_id, host, pid) VALUES (?, ?, ?)
       ON CONFLICT (instance_id) DO UPDATE SET heartbeat_at = now(), stopped_at = NULL
       RETURNING lock_key`,
      [this.o.instanceId, hostname(), process.pid],
    );
    this.lockKey = Number(rows[0].lock_key);
    await this.lock();
  }

  async renew(): Promise<void> {
    await this.db.raw('UPDATE inference_instances SET heartbeat_at = now() WHERE instance_id = ?', [
      this.o.instanceId,
    ]);
    // The lock's session may have ended (a database restart): take it again.
    await this.db
      .raw('SELECT 1')
      .connection(this.conn)
      .catch(() => this.lock());
  }

  async orphans(limit: number): Promise<readonly OpenIntent[]> {
    const { rows } = await this.db.raw(
      `SELECT i.call_id, i.created_at, i.data, i.upstream_id FROM inference_intents i
       LEFT JOIN inference_instances s ON s.instance_id = i.instance_id
       WHERE i.instance_id <> ?
         AND NOT EXISTS (SELECT 1 FROM pg_locks l
           WHERE l.locktype = 'advisory' AND l.granted AND l.classid = ? AND l.objsubid = 2
             AND l.objid = s.lock_key
             AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()))
         AND (s.stopped_at IS NOT NULL OR s.instance_id = ANY(?::text[])
           OR coalesce(s.heartbeat_at, i.created_at) < now() - ? * interval '1 millisecond')
       ORDER BY i.created_at, i.call_id
       LIMIT ?`,
      [
        this.o.instanceId,
        LEASE_LOCKS,
        [...(this.o.predecessors ?? [])],
        this.o.staleAfterMs ?? 30_000,
        limit,
      ],
    );
    return rows.map((r: OrphanRow): OpenIntent => ({
      type: 'InferenceStarted',
      // Not the intent's own event id (not kept here); settling needs only its data.
      eventId: r.call_id,
      occurredAt: r.created_at.toISOString(),
      data: r.data,
      upstreamId: r.upstream_id,
    }));
  }

  async release(): Promise<void> {
    await this.db
      .raw('UPDATE inference_instances SET stopped_at = now() WHERE instance_id = ?', [
        this.o.instanceId,
      ])
      .catch(() => undefined);
    const conn = this.conn;
    this.conn = undefined;
    if (conn !== undefined) {
      await this.db
        .raw('SELECT pg_advisory_unlock(?, ?)', [LEASE_LOCKS, this.lockKey ?? 0])
        .connection(conn)
        .catch(() => undefined);
      await this.db.client.releaseConnection(conn);
    }
  }

  private async lock(): Promise<void> {
    if (this.conn !== undefined) {
      await Promise.resolve(this.db.client.releaseConnection(this.conn)).catch(() => undefined);
    }
    this.conn = await this.db.client.acquireConnection();
    await this.db
      .raw('SELECT pg_advisory_lock(?, ?)', [LEASE_LOCKS, this.lockKey ?? 0])
      .connection(this.conn);
  }
}
