import type { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import { rebuildProjections } from '../../src/adapters/persistence';
import { appendEvents } from '../../src/adapters/persistence/append/append-statement';
import { WriteTimeoutError } from '../../src/adapters/persistence/append/group-commit';
import { appendStatementFor } from '../../src/adapters/persistence/projections/projection-sql';
import { GRAINS, HOUR_ALL_PROJECTS } from '../../src/adapters/persistence/read-models/usage-ranges';
import { callRecordOf, type CallLogEvent, type InferenceEvent } from '../../src/domain';
import { failed, HOUR, succeeded, T0 } from '../contracts/fixtures';
import {
  cancelledOf,
  identifiedOf,
  interruptedOf,
  reconciledOf,
  started,
} from '../contracts/spend-fixtures';
import { projectUsage } from '../support/project-usage';
import { useTestDatabase } from '../support/test-database';

const TABLES = [
  'inference_events',
  'inference_calls',
  'inference_intents',
  ...GRAINS.map((g) => g.table),
  HOUR_ALL_PROJECTS.table,
];

/** Every projection row, in a stable order (the log itself is the input, not compared). */
const snapshot = async (knex: Knex) =>
  Object.fromEntries(
    await Promise.all(
      TABLES.filter((t) => t !== 'inference_events').map(async (t) => {
        const order = t.startsWith('usage_')
          ? 'bucket, level, model, project_id'
          : t === 'inference_calls'
            ? 'id'
            : 'call_id';
        return [t, (await knex.raw(`SELECT * FROM ${t} ORDER BY ${order}`)).rows] as const;
      }),
    ),
  );

/**
 * Forty calls as the service logs them: each intent, a generation id for some, then its
 * outcome (succeeded, cancelled and then reconciled, interrupted and then reconciled, failed) —
 * or none, an intent left open.
 */
const callStream = (): CallLogEvent[] => {
  const events: CallLogEvent[] = [];
  for (let i = 0; i < 40; i++) {
    const at = T0 + i * 7 * 60_000 + (i % 3) * HOUR;
    const projectId = i % 4 === 0 ? null : `p-${i % 3}`;
    const intent = started({ at, projectId, estimatedCostNanos: 50_000_000 + i });
    const callId = intent.data.callId;
    events.push(intent);
    if (i % 3 === 1) events.push(identifiedOf(intent, `gen-${i}`));
    const figures = (n: number) => ({
      inputTokens: 100 * n + i,
      outputTokens: 10 * n + i,
      costNanos: 1_000_000 * n + i,
    });
    const settle = (outcome: InferenceEvent, reconcile = false) => {
      if (!reconcile) return void events.push(outcome);
      const reconciled = reconciledOf(callRecordOf(outcome), figures(1));
      // Out of order (a journal replayed behind newer events): the record it finds is not yet
      // there, so it changes no record, whatever batch the two share.
      if (i === 36) events.push(reconciled, outcome);
      else events.push(outcome, reconciled);
      // Reconciled twice: the later figures win.
      if (i % 3 === 0) events.push(reconciledOf(callRecordOf(outcome), figures(2)));
    };
    switch (i % 5) {
      case 0:
        settle(succeeded({ at, callId, projectId, costNanos: 2_000 + i }));
        break;
      case 1:
        settle(cancelledOf(intent), true);
        break;
      case 2:
        settle(interruptedOf(intent), i % 2 === 0);
        break;
      case 3:
        settle(failed({ at, callId, projectId }));
        break;
      default: // left open
    }
  }
  return events;
};

describe('append statements by batch composition', () => {
  const database = useTestDatabase();
  const reset = () => database().reset();

  it('project the same rows whichever types a batch holds, and what a rebuild gives', async () => {
    const { knex } = database();
    const events = callStream();
    const types = new Set(events.map((e) => e.type));
    expect(types.size).toBe(7);
    const twice = events.filter((e) => e.type === 'InferenceReconciled').length;
    expect(twice).toBeGreaterThan(new Set(events.map((e) => e.data.callId)).size / 4);

    // The whole stream in one statement: every projection, every CTE.
    await reset();
    await appendEvents(knex, events, 10_000);
    await projectUsage(knex);
    const together = await snapshot(knex);
    expect(together['inference_calls']).toHaveLength(32);
    expect(together['inference_intents']).toHaveLength(8);
    const calls = together['inference_calls'] as Array<{ input_tokens: number }>;
    expect(calls.filter((c) => c.input_tokens >= 200)).not.toHaveLength(0); // reconciled twice

    // One event at a time: each batch gets the statement for its one type.
    await reset();
    for (const e of events) await appendEvents(knex, [e], 10_000);
    await projectUsage(knex, 7);
    expect(await snapshot(knex)).toEqual(together);

    // Uneven chunks, mixing types in every combination the stream offers.
    await reset();
    for (let i = 0; i < events.length; i += 3) {
      await appendEvents(knex, events.slice(i, i + 3), 10_000);
    }
    await projectUsage(knex);
    expect(await snapshot(knex)).toEqual(together);

    // Replayed through every projection from the log.
    await rebuildProjections(knex, { batchSize: 11 });
    expect(await snapshot(knex)).toEqual(together);
  });

  it('leaves out the projections and CTEs a batch cannot touch', () => {
    const intent = started();
    const intents = appendStatementFor([intent]).sql;
    expect(intents).toContain('INSERT INTO inference_intents');
    expect(intents).not.toMatch(/inference_calls \(|usage_|DELETE FROM inference_intents/);
    const outcomes = appendStatementFor([succeeded()]).sql;
    expect(outcomes).toMatch(/INSERT INTO inference_calls/);
    // Usage is the asynchronous projector's: no append touches it.
    expect(outcomes).not.toMatch(/usage_/);
    expect(outcomes).toContain('DELETE FROM inference_intents');
    expect(outcomes).not.toContain('INSERT INTO inference_intents');
    const both = appendStatementFor([intent, succeeded()]);
    expect(both.sql).toContain('INSERT INTO inference_intents');
    expect(both.sql).toContain('DELETE FROM inference_intents');
    expect(new Set([intents, outcomes, both.sql]).size).toBe(3);
    expect(appendStatementFor([started(), started()])).toEqual(appendStatementFor([intent]));
  });

  it('fails a write the database does not answer in time, and the next one goes through', async () => {
    const { knex } = database();
    await reset();
    const blocker = await knex.transaction();
    try {
      await blocker.raw('LOCK TABLE inference_events IN ACCESS EXCLUSIVE MODE');
      const t0 = Date.now();
      await expect(appendEvents(knex, [started()], 300)).rejects.toBeInstanceOf(WriteTimeoutError);
      expect(Date.now() - t0).toBeLessThan(5000);
    } finally {
      await blocker.rollback();
    }
    const callId = randomUUID();
    await appendEvents(knex, [started({ callId })], 10_000);
    const rows = await knex('inference_intents').where({ call_id: callId });
    expect(rows).toHaveLength(1);
  });
});
