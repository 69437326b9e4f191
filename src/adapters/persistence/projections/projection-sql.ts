import {
  callRecordsProjection,
  openIntentsProjection,
  usageProjection,
} from '../../../application';
import { GRAINS, HOUR_ALL_PROJECTS, type Grain } from '../read-models/usage-ranges';

/** The fields of one element of the JSON parameter (see `projectionRowOf`), but its position. */
const FIELDS = `
  event_id uuid, type text, occurred_at timestamptz, data jsonb,
  id uuid, created_at timestamptz, level text, purpose text, model text, status text,
  input_tokens int, output_tokens int, input_hash text, result_text text, latency_ms int,
  cost_nanos bigint, reported_cost_nanos bigint, cost_estimated boolean, error_code text,
  error_message text, attempts int,
  project_id text, agent_id text, command_id text, turn_id text, upstream_id text,
  intent_instance text, intent_cost bigint,
  streamed boolean, ttft_ms int,
  bucket_ms bigint, u_level text, u_model text, u_project text,
  d_calls int, d_succeeded int, d_failed int, d_cached int, d_rate_limited int,
  d_cancelled int, d_interrupted int, d_input_tokens bigint, d_output_tokens bigint, d_cost bigint,
  d_reported bigint, d_saved bigint,
  reasoning_tokens int, cached_input_tokens int, tool_calls jsonb, finish_reason text,
  d_reasoning_tokens bigint, d_latency_sum bigint, d_latency_calls int, d_ttft_sum bigint,
  d_ttft_calls int`;
const NAMES = FIELDS.split(',')
  .map((f) => f.trim().split(/\s+/)[0])
  .join(', ');

const COUNTERS: ReadonlyArray<readonly [column: string, delta: string]> = [
  ['calls', 'd_calls'],
  ['succeeded_calls', 'd_succeeded'],
  ['failed_calls', 'd_failed'],
  ['cached_calls', 'd_cached'],
  ['rate_limited_calls', 'd_rate_limited'],
  ['cancelled_calls', 'd_cancelled'],
  ['interrupted_calls', 'd_interrupted'],
  ['input_tokens', 'd_input_tokens'],
  ['output_tokens', 'd_output_tokens'],
  ['cost_nanos', 'd_cost'],
  ['reported_cost_nanos', 'd_reported'],
  ['saved_nanos', 'd_saved'],
  ['reasoning_tokens', 'd_reasoning_tokens'],
  ['latency_ms_sum', 'd_latency_sum'],
  ['latency_calls', 'd_latency_calls'],
  ['ttft_ms_sum', 'd_ttft_sum'],
  ['ttft_calls', 'd_ttft_calls'],
];

const CALL_FIELDS =
  'id, created_at, level, purpose, model, status, input_tokens, output_tokens, input_hash, ' +
  'result_text, latency_ms, cost_usd, reported_cost_usd, cost_estimated, error_code, ' +
  'error_message, attempts, project_id, agent_id, command_id, turn_id, upstream_id, ' +
  'reasoning_tokens, cached_input_tokens, tool_calls, finish_reason, streamed, ttft_ms';

/**
 * Adds the fresh events' usage deltas to the rows of one grain, each row upserted once; with
 * `project` '' the rows sum over every project.
 */
const usageCte = (g: Grain, project = 'f.u_project'): string => `
  ${g.table} AS (
    INSERT INTO ${g.table} AS u (bucket, level, model, project_id, ${COUNTERS.map(([c]) => c).join(', ')})
    SELECT to_timestamp(f.bucket_ms / ${g.ms} * ${g.ms / 1000}), f.u_level, f.u_model, ${project},
      ${COUNTERS.map(([, d]) => `sum(f.${d})`).join(', ')}
    FROM fresh f
    WHERE f.bucket_ms IS NOT NULL
    GROUP BY 1, 2, 3, 4
    ON CONFLICT (bucket, level, model, project_id) DO UPDATE SET
      ${COUNTERS.map(([c]) => `${c} = u.${c} + EXCLUDED.${c}`).join(', ')}
    RETURNING 1
  )`;

/**
 * Applies the projections to the events in `fresh` (those not seen before), in the statement
 * that selects them: call records from outcomes (one per call id, the first wins), corrections
 * from reconciliations, open intents (opened by an intent unless its call already has an
 * outcome, given the latest generation id learnt for the call, closed by the outcome), usage
 * rows at every grain, and the checkpoints. Sibling CTEs
 * do not see each other's writes, so each one also looks at `fresh` itself.
 */
const PROJECT = `
  records AS (
    INSERT INTO inference_calls (${CALL_FIELDS})
    SELECT id, created_at, level, purpose, model, status, input_tokens, output_tokens,
      input_hash, result_text, latency_ms, cost_nanos * 0.000000001,
      reported_cost_nanos * 0.000000001, cost_estimated, error_code, error_message, attempts,
      project_id, agent_id, command_id, turn_id, upstream_id, coalesce(reasoning_tokens, 0),
      coalesce(cached_input_tokens, 0), tool_calls, finish_reason, coalesce(streamed, false),
      ttft_ms
    FROM fresh WHERE status IS NOT NULL ORDER BY pos
    ON CONFLICT (id) DO NOTHING
    RETURNING 1
  ),
  reconciled AS (
    UPDATE inference_calls c SET input_tokens = f.input_tokens, output_tokens = f.output_tokens,
      cost_usd = f.cost_nanos * 0.000000001, reported_cost_usd = f.reported_cost_nanos * 0.000000001,
      upstream_id = f.upstream_id, cost_estimated = false
    FROM fresh f WHERE f.type = 'InferenceReconciled' AND c.id = f.id
    RETURNING 1
  ),
  identities AS (
    SELECT DISTINCT ON (id) id, upstream_id FROM fresh
    WHERE type = 'InferenceUpstreamIdentified' ORDER BY id, pos DESC
  ),
  identified AS (
    UPDATE inference_intents i SET upstream_id = u.upstream_id
    FROM identities u
    WHERE i.call_id = u.id AND NOT EXISTS (SELECT 1 FROM fresh o WHERE o.id = u.id AND o.status IS NOT NULL)
    RETURNING 1
  ),
  opened AS (
    INSERT INTO inference_intents (call_id, instance_id, created_at, estimated_cost_nanos,
      upstream_id, data)
    SELECT f.id, f.intent_instance, f.created_at, f.intent_cost, u.upstream_id, f.data
    FROM fresh f LEFT JOIN identities u ON u.id = f.id
    WHERE f.type = 'InferenceStarted'
      AND NOT EXISTS (SELECT 1 FROM fresh o WHERE o.id = f.id AND o.status IS NOT NULL)
      AND NOT EXISTS (SELECT 1 FROM inference_calls c WHERE c.id = f.id)
    ON CONFLICT (call_id) DO NOTHING
    RETURNING 1
  ),
  closed AS (
    DELETE FROM inference_intents i USING fresh f
    WHERE f.status IS NOT NULL AND i.call_id = f.id
    RETURNING 1
  ),
  ${GRAINS.map((g) => usageCte(g)).join(',\n')},
  ${usageCte(HOUR_ALL_PROJECTS, "''")},
  checkpoint AS (
    INSERT INTO projection_checkpoints AS c (name, position, updated_at)
    SELECT p.name, max(f.pos), now()
    FROM fresh f CROSS JOIN (VALUES ('${callRecordsProjection.name}'),
      ('${usageProjection.name}'), ('${openIntentsProjection.name}')) AS p(name)
    GROUP BY p.name
    ON CONFLICT (name) DO UPDATE SET
      position = GREATEST(c.position, EXCLUDED.position), updated_at = EXCLUDED.updated_at
    RETURNING 1
  )`;

/**
 * One append as one statement (so one round trip and one implicit transaction): insert the
 * events, skipping ids already in the log, and project exactly the ones that were new. A retried
 * batch therefore never doubles a record or an aggregate.
 */
export const APPEND_SQL = `
  WITH input AS (
    SELECT * FROM ROWS FROM (json_to_recordset(?::json) AS (${FIELDS}))
      WITH ORDINALITY AS x(${NAMES}, ord)
  ),
  appended AS (
    INSERT INTO inference_events (event_id, type, occurred_at, data)
    SELECT event_id, type, occurred_at, data FROM input ORDER BY ord
    ON CONFLICT (event_id) DO NOTHING
    RETURNING event_id, position
  ),
  fresh AS (SELECT i.*, a.position AS pos FROM input i JOIN appended a USING (event_id)),
  ${PROJECT}
  SELECT count(*)::int AS appended FROM fresh`;

/** Replays stored events (with their positions) through the projections, for a rebuild. */
export const REPLAY_SQL = `
  WITH fresh AS (SELECT * FROM json_to_recordset(?::json) AS x(${FIELDS}, pos bigint)),
  ${PROJECT}
  SELECT count(*)::int AS applied FROM fresh`;
