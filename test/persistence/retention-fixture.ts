import type { Knex } from 'knex';
import { KnexCallLog, KnexCallRecords, type LogSink } from '../../src/adapters/persistence';
import { GRAINS, HOUR_ALL_PROJECTS } from '../../src/adapters/persistence/read-models/usage-ranges';
import { SystemClock } from '../../src/adapters/system/system-clock';
import type { CallLogEvent } from '../../src/domain';
import { cached, DAY, failed, HOUR, rateLimited, succeeded } from '../contracts/fixtures';
import { cancelledOf, interruptedOf, reconciledOf, started } from '../contracts/spend-fixtures';
import { projectUsage } from '../support/project-usage';

export const silent: LogSink = { info: () => {}, warn: () => {}, error: () => {} };

/** The present the passes stand for: 2026-06-15 12:00 UTC. */
export const AS_OF = Date.UTC(2026, 5, 15, 12);

/** What was appended, by call. */
export interface Population {
  /** Every call with an outcome: its id and when its record was made. */
  readonly calls: ReadonlyArray<{ readonly id: string; readonly at: number }>;
  /** Intents left open: call id and when. */
  readonly open: ReadonlyArray<{ readonly id: string; readonly at: number }>;
  readonly events: number;
}

/** A call log over `knex` for a test. */
export const callLog = (knex: Knex): KnexCallLog =>
  new KnexCallLog(knex, { clock: new SystemClock(), log: silent, batchMax: 97 });

/**
 * Records, events, open intents and reconciliations spread over 105 days before `AS_OF`, every
 * third day: four plain outcomes, an intent interrupted then reconciled, one cancelled, and
 * every fifth such day an intent left open. Usage is projected before it resolves.
 */
export const populate = async (knex: Knex): Promise<Population> => {
  const log = callLog(knex);
  const records = new KnexCallRecords(knex);
  const calls: Array<{ id: string; at: number }> = [];
  const open: Array<{ id: string; at: number }> = [];
  let events = 0;
  const append = async (es: CallLogEvent[]) => {
    await log.append(es);
    events += es.length;
  };
  for (let d = 0; d <= 105; d += 3) {
    const day = AS_OF - d * DAY - 11 * HOUR; // 01:00 UTC that day
    const plain = [succeeded, failed, cached, rateLimited].map((make, i) => {
      const e = make({
        at: day + i * HOUR,
        level: i % 2 ? 'task' : 'objective',
        projectId: i === 3 ? null : `p-${d % 4}`,
        costNanos: 1000 + d,
        text: `answer of day ${d}`,
      });
      // Two consumer keys and calls without one: usage kept by retention keeps the key too.
      const keyId = i === 0 ? 'keyaaaaaaaa1' : i === 1 ? 'keybbbbbbbb2' : null;
      return { ...e, data: { ...e.data, keyId } } as CallLogEvent;
    });
    await append(plain);
    for (const e of plain) calls.push({ id: e.data.callId, at: Date.parse(e.occurredAt) });
    const interrupted = started({ at: day + 5 * HOUR, estimatedCostNanos: 9_000_000 });
    const cancelled = started({ at: day + 6 * HOUR, projectId: 'p-x' });
    await append([interrupted, cancelled]);
    await append([interruptedOf(interrupted), cancelledOf(cancelled, day + 6 * HOUR + 500)]);
    calls.push({ id: interrupted.data.callId, at: day + 5 * HOUR });
    calls.push({ id: cancelled.data.callId, at: day + 6 * HOUR + 500 });
    const record = await records.get(interrupted.data.callId);
    if (!record) throw new Error('no record for the interrupted call');
    await append([reconciledOf(record, { inputTokens: 7, outputTokens: 3, costNanos: 4_000_000 })]);
    if (d % 15 === 0) {
      const left = started({ at: day + 7 * HOUR });
      await append([left]);
      open.push({ id: left.data.callId, at: day + 7 * HOUR });
    }
  }
  await log.close();
  await projectUsage(knex);
  return { calls, open, events };
};

/** Every usage aggregate row, in a stable order (what every usage and series read sums). */
export const usageTables = async (knex: Knex) =>
  Promise.all(
    [...GRAINS, HOUR_ALL_PROJECTS].map(
      async (g) =>
        (
          await knex.raw(
            `SELECT * FROM ${g.table} ORDER BY bucket, level, model, project_id, key_id`,
          )
        ).rows,
    ),
  );

/** Ids of the call records kept. */
export const recordIds = async (knex: Knex): Promise<string[]> =>
  (await knex.raw('SELECT id FROM inference_calls ORDER BY id')).rows.map(
    (r: { id: string }) => r.id,
  );

/** The count of rows in a table. */
export const rows = async (knex: Knex, sql: string): Promise<number> =>
  Number((await knex.raw(`SELECT count(*) AS n FROM ${sql}`)).rows[0].n);
