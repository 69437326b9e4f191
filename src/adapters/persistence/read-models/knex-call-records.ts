import type { Knex } from 'knex';
import { encodeCursor, type CallRecord } from '../../../domain';
import type { CallRecords, CallsPage, CallsQuery } from '../../../ports';
import { callRecordOfRow, RECORD_SELECT, type CallRow } from '../projections/call-record-columns';
import { storedText } from '../projections/rows';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Call records from `inference_calls`, newest first, cursor paging on (created_at, id). */
export class KnexCallRecords implements CallRecords {
  constructor(private readonly db: Knex) {}

  async list(q: CallsQuery): Promise<CallsPage> {
    const query = this.db('inference_calls')
      .select(this.db.raw(RECORD_SELECT))
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(q.limit + 1);
    if (q.level !== undefined) query.where('level', q.level);
    if (q.projectId !== undefined) query.where('project_id', storedText(q.projectId));
    if (q.status !== undefined) query.where('status', q.status);
    if (q.keyId !== undefined) query.where('key_id', q.keyId);
    const c = q.before;
    if (c !== undefined) {
      // A cursor names a uuid we made; a tampered one still pages, by time alone.
      if (UUID.test(c.id)) {
        query.whereRaw('(created_at, id) < (?, ?::uuid)', [new Date(c.createdAt), c.id]);
      } else query.where('created_at', '<', new Date(c.createdAt));
    }
    const rows: CallRow[] = await query;
    const calls: CallRecord[] = rows.slice(0, q.limit).map(callRecordOfRow);
    const last = calls[calls.length - 1];
    return { calls, nextCursor: rows.length > q.limit && last ? encodeCursor(last) : null };
  }

  /** Served by the partial index `inference_calls_unreconciled_idx` (a handful of rows). */
  async unreconciled(since: string, limit: number): Promise<readonly CallRecord[]> {
    const rows: CallRow[] = await this.db('inference_calls')
      .select(this.db.raw(RECORD_SELECT))
      .where('cost_estimated', true)
      .whereNotNull('upstream_id')
      .where('created_at', '>=', new Date(since))
      .orderBy([{ column: 'created_at' }, { column: 'id' }])
      .limit(limit);
    return rows.map(callRecordOfRow);
  }

  async get(id: string): Promise<CallRecord | undefined> {
    if (!UUID.test(id)) return undefined;
    const row: CallRow | undefined = await this.db('inference_calls')
      .select(this.db.raw(RECORD_SELECT))
      .where('id', id)
      .first();
    return row ? callRecordOfRow(row) : undefined;
  }
}
