import {
  CALL_RECORD_COLUMNS,
  callRecordOfRow,
} from '../../src/adapters/persistence/projections/call-record-columns';
import { projectionRowJson } from '../../src/adapters/persistence/projections/rows';
import {
  COUNTERS,
  USAGE_COUNTER_COLUMNS,
} from '../../src/adapters/persistence/projections/usage-counter-columns';
import {
  callRecordOf,
  EVENT_TYPES,
  reconciledRecord,
  usageDeltaOf,
  type CallLogEvent,
  type InferenceEvent,
} from '../../src/domain';
import { cached, failed, rateLimited, succeeded, T0 } from '../contracts/fixtures';
import { cancelledOf, interruptedOf, reconciledOf, started } from '../contracts/spend-fixtures';

const streamedWithTools = (): InferenceEvent => {
  const e = succeeded({ at: T0 + 1234, projectId: 'p-1', reportedCostNanos: null });
  if (e.type !== 'InferenceSucceeded') throw new Error('a success');
  return {
    ...e,
    data: {
      ...e.data,
      reasoningTokens: 7,
      cachedInputTokens: 30,
      toolCalls: [
        { id: 'call-1', type: 'function', function: { name: 'lookup', arguments: '{"q":"x"}' } },
      ],
      finishReason: 'tool_calls',
      streamed: true,
      ttftMs: 88,
      unpriced: true,
    },
  };
};

const spentFailure = (): InferenceEvent => {
  const e = failed({ projectId: 'p-2' });
  if (e.type !== 'InferenceFailed') throw new Error('a failure');
  const spent = { inputTokens: 50, outputTokens: 9, reasoningTokens: 3, costNanos: 123_456 };
  return { ...e, data: { ...e.data, ...spent, reportedCostNanos: 120_000, upstreamId: 'gen-9' } };
};

const budgetRefusal = (): InferenceEvent => {
  const e = rateLimited();
  if (e.type !== 'InferenceRateLimited') throw new Error('a refusal');
  return { ...e, data: { ...e.data, limit: 'budget', budget: 'daily' } };
};

const intent = started({ projectId: 'p-3' });

/** One or more sample events of every outcome type. */
const OUTCOMES: Array<[string, InferenceEvent]> = [
  ['succeeded', succeeded()],
  ['succeeded, streamed with tool calls, unpriced', streamedWithTools()],
  ['failed', failed()],
  ['failed after spending', spentFailure()],
  ['served from cache', cached({ savedNanos: 4321 })],
  ['rate limited', rateLimited()],
  ['refused by a budget', budgetRefusal()],
  ['cancelled', cancelledOf(intent)],
  ['interrupted', interruptedOf(intent)],
];

const reconciliation = reconciledOf(callRecordOf(interruptedOf(intent)), {
  inputTokens: 700,
  outputTokens: 80,
  costNanos: 55_000,
});

/**
 * A payload row as a rebuild's replay sends it, with every projection's fields (an append's
 * has the inline projections' only; JSON: absent fields read as NULL).
 */
const payloadOf = (e: CallLogEvent): Record<string, unknown> =>
  JSON.parse(projectionRowJson(e, undefined, true)) as Record<string, unknown>;

/** What PostgreSQL returns for a stored payload row selected with RECORD_SELECT. */
const storedRow = (payload: Record<string, unknown>): Record<string, unknown> => {
  const row: Record<string, unknown> = {};
  for (const c of Object.values(CALL_RECORD_COLUMNS)) {
    const v = payload[c.key] ?? null;
    if (c.kind === 'timestamp') row[c.key] = new Date(v as string);
    else if (c.kind === 'usd')
      row[c.key] = v === null ? null : String(v); // bigint as text
    else row[c.key] = v;
  }
  return row;
};

describe('the projection column tables', () => {
  it('sample every event type the log holds', () => {
    const types = new Set([...OUTCOMES.map(([, e]) => e.type), intent.type, reconciliation.type]);
    expect([...types].sort()).toEqual(
      [...EVENT_TYPES, 'InferenceStarted', 'InferenceReconciled'].sort(),
    );
  });

  it.each(OUTCOMES)('round-trip a %s record: payload → row → exactly callRecordOf', (_, e) => {
    expect(callRecordOfRow(storedRow(payloadOf(e)))).toStrictEqual(callRecordOf(e));
  });

  it("apply a reconciliation's payload over its record: exactly reconciledRecord", () => {
    const outcome = interruptedOf(intent);
    const payload = payloadOf(reconciliation);
    expect(payload['status']).toBeUndefined(); // so no record is inserted from it
    const row = { ...storedRow(payloadOf(outcome)) };
    for (const c of Object.values(CALL_RECORD_COLUMNS)) {
      if (c.key in payload && c.key !== 'id') row[c.key] = storedRow(payload)[c.key];
    }
    expect(callRecordOfRow(row)).toStrictEqual(
      reconciledRecord(callRecordOf(outcome), reconciliation),
    );
  });

  it('name each column once', () => {
    const columns = Object.values(CALL_RECORD_COLUMNS).map((c) => c.column);
    expect(new Set(columns).size).toBe(columns.length);
    const counters = Object.values(USAGE_COUNTER_COLUMNS);
    expect(new Set(counters).size).toBe(counters.length);
  });

  it.each([...OUTCOMES, ['reconciled', reconciliation] as const])(
    'give every counter of a %s usage delta a column, and no column without a counter',
    (_, e) => {
      const change = usageDeltaOf(e);
      expect(change).not.toBeNull();
      const delta = change!.delta as unknown as Record<string, number>;
      expect(Object.keys(delta).sort()).toEqual(Object.keys(USAGE_COUNTER_COLUMNS).sort());
      const payload = payloadOf(e);
      const columns = COUNTERS.map(([, c]) => `delta_${c}`);
      const deltas = Object.keys(payload).filter((k) => k.startsWith('delta_'));
      expect(deltas.filter((d) => !columns.includes(d))).toEqual([]);
      expect(deltas.length).toBeGreaterThan(0);
      // A zero is left out of the payload and summed as 0.
      for (const [field, column] of COUNTERS) {
        expect(payload[`delta_${column}`] ?? 0).toBe(delta[field]);
      }
    },
  );

  it('send neither a record nor a delta for an intent', () => {
    const payload = payloadOf(intent);
    expect(usageDeltaOf(intent)).toBeNull();
    expect(Object.keys(payload).filter((k) => k.startsWith('delta_'))).toEqual([]);
    expect(payload['status']).toBeUndefined();
    expect(payload['intent_call_id']).toBe(intent.data.callId);
  });
});
