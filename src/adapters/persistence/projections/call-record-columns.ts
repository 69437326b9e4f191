import type { CallRecord } from '../../../domain';

/**
 * How a record field is stored. `usd`: nano-USD in the record and the payload, numeric(20,9)
 * USD in the table (exact both ways), selected back as nano-USD under the payload's name.
 */
export type ColumnKind = 'uuid' | 'timestamp' | 'text' | 'int' | 'bool' | 'json' | 'usd';

/** One column of `inference_calls`: its name, its name in the payload and rows read, its kind. */
export interface RecordColumn {
  readonly column: string;
  readonly key: string;
  readonly kind: ColumnKind;
}

const col = (column: string, kind: ColumnKind): RecordColumn => ({ column, key: column, kind });
const usd = (column: string, key: string): RecordColumn => ({ column, key, kind: 'usd' });

/**
 * Every field of a call record and its column: the one list from which the append payload, the
 * INSERT and UPDATE lists, the SELECT list and the row → record mapping are made. The compiler
 * checks that it names every field of `CallRecord` and nothing else.
 */
export const CALL_RECORD_COLUMNS = {
  id: col('id', 'uuid'),
  createdAt: col('created_at', 'timestamp'),
  level: col('level', 'text'),
  purpose: col('purpose', 'text'),
  model: col('model', 'text'),
  status: col('status', 'text'),
  inputTokens: col('input_tokens', 'int'),
  outputTokens: col('output_tokens', 'int'),
  reasoningTokens: col('reasoning_tokens', 'int'),
  cachedInputTokens: col('cached_input_tokens', 'int'),
  inputHash: col('input_hash', 'text'),
  resultText: col('result_text', 'text'),
  toolCalls: col('tool_calls', 'json'),
  finishReason: col('finish_reason', 'text'),
  latencyMs: col('latency_ms', 'int'),
  costNanos: usd('cost_usd', 'cost_nanos'),
  reportedCostNanos: usd('reported_cost_usd', 'reported_cost_nanos'),
  costEstimated: col('cost_estimated', 'bool'),
  errorCode: col('error_code', 'text'),
  errorMessage: col('error_message', 'text'),
  attempts: col('attempts', 'int'),
  projectId: col('project_id', 'text'),
  agentId: col('agent_id', 'text'),
  commandId: col('command_id', 'text'),
  turnId: col('turn_id', 'text'),
  upstreamId: col('upstream_id', 'text'),
  streamed: col('streamed', 'bool'),
  ttftMs: col('ttft_ms', 'int'),
  traceId: col('trace_id', 'text'),
  keyId: col('key_id', 'text'),
} satisfies { readonly [F in keyof CallRecord]-?: RecordColumn };

type Field = keyof CallRecord;
const ENTRIES = Object.entries(CALL_RECORD_COLUMNS) as ReadonlyArray<[Field, RecordColumn]>;

const PAYLOAD_TYPE: Record<ColumnKind, string> = {
  uuid: 'uuid',
  timestamp: 'timestamptz',
  text: 'text',
  int: 'int',
  bool: 'boolean',
  json: 'jsonb',
  usd: 'bigint',
};

/** The payload fields of a record, with their SQL types (for `json_to_recordset`). */
export const RECORD_FIELDS: ReadonlyArray<readonly [key: string, type: string]> = ENTRIES.map(
  ([, c]) => [c.key, PAYLOAD_TYPE[c.kind]],
);

/** The value a column takes from the payload row `row`. */
export const storedValue = (c: RecordColumn, row: string): string =>
  c.kind === 'usd' ? `${row}.${c.key} * 0.000000001` : `${row}.${c.key}`;

/** The columns selected to read a record back: money as exact integer nano-USD. */
export const RECORD_SELECT = ENTRIES.map(([, c]) =>
  c.kind === 'usd' ? `(${c.column} * 1000000000)::bigint AS ${c.key}` : c.column,
).join(', ');

/** Fields of a record and their payload names. */
export type PayloadKeys = ReadonlyArray<readonly [Field, string]>;

/** The payload names of some fields. */
export const payloadKeys = (fields: readonly Field[]): PayloadKeys =>
  fields.map((f) => [f, CALL_RECORD_COLUMNS[f].key]);

/** Every field of a record, in table order. */
export const ALL_FIELDS: readonly Field[] = ENTRIES.map(([f]) => f);

/** Writes some fields of a record into a payload row, as they are: the payload holds record values. */
export const writeRecord = (
  r: Partial<CallRecord>,
  keys: PayloadKeys,
  row: Record<string, unknown>,
): void => {
  for (const [f, key] of keys) row[key] = r[f];
};

/** A row of `inference_calls` as selected with RECORD_SELECT. */
export type CallRow = Readonly<Record<string, unknown>>;

const read = (c: RecordColumn, v: unknown): unknown => {
  if (v === null || v === undefined) return null;
  if (c.kind === 'timestamp') return (v as Date).toISOString();
  // bigint arrives as text: an exact integer, converted once (safe up to 2^53 nano-USD).
  return c.kind === 'usd' ? Number(v) : v;
};

/** The call record a row holds. */
export const callRecordOfRow = (row: CallRow): CallRecord => {
  const r: Record<string, unknown> = {};
  for (const [f, c] of ENTRIES) r[f] = read(c, row[c.key]);
  return r as unknown as CallRecord;
};
