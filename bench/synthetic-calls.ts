import { Client } from 'pg';
import type { Knex } from 'knex';
import { createKnex, migrateLatest } from '../src/adapters/persistence';
import { costNanos, type InferenceEvent, type Level } from '../src/domain';

/** The server benches use: DATABASE_URL, else the machine's PostgreSQL. */
export const benchServerUrl = (): string =>
  process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

/**
 * A database of the bench's own on that server, dropped and created anew (unless `reuse`), migrated. Parallel
 * plans stay on, so a full scan gets its best plan; `serviceKnex` is configured as the service is.
 */
export const freshDatabase = async (name: string, poolMax = 10, reuse = false) => {
  const server = benchServerUrl();
  const admin = async (sql: string) => {
    const c = new Client({ connectionString: server });
    await c.connect();
    await c.query(sql).finally(() => c.end());
  };
  if (!reuse) {
    await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin(`CREATE DATABASE "${name}"`);
  }
  const u = new URL(server);
  u.pathname = `/${name}`;
  const knex = createKnex(u.toString(), { poolMax, parallel: true });
  await migrateLatest(knex);
  const serviceKnex = createKnex(u.toString(), { poolMax });
  return {
    knex,
    serviceKnex,
    url: u.toString().replace(/\/\/([^:@/]+):[^@/]*@/, '//$1@'),
    drop: async () => {
      await knex.destroy();
      await serviceKnex.destroy();
      await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
};

/** The server's durability settings, which decide what a commit costs. */
export const serverSettings = async (knex: Knex): Promise<string> => {
  const { rows } = await knex.raw(
    "SELECT name, setting FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit', 'server_version', 'shared_buffers') ORDER BY name",
  );
  return rows.map((r: { name: string; setting: string }) => `${r.name}=${r.setting}`).join(', ');
};

/** A small deterministic PRNG (mulberry32), so every run loads the same calls. */
export const prng = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

const MODELS: Record<Level, string> = {
  turn: 'anthropic/claude-haiku-4.5',
  task: 'anthropic/claude-haiku-4.5',
  project: 'anthropic/claude-sonnet-4.5',
  objective: 'anthropic/claude-sonnet-4.5',
};
const PRICES: Record<string, { input: number; output: number }> = {
  'anthropic/claude-haiku-4.5': { input: 1, output: 5 },
  'anthropic/claude-sonnet-4.5': { input: 3, output: 15 },
};
const LEVELS: Level[] = ['turn', 'turn', 'turn', 'task', 'task', 'project', 'objective'];
const uuid = (r: () => number): string =>
  'xxxxxxxx-xxxx-4xxx-8xxx-xxxxxxxxxxxx'.replace(/x/g, () => Math.floor(r() * 16).toString(16));

/**
 * One synthetic call at `at`: 80 % succeeded, 8 % cached, 7 % failed, 5 % rate limited, over
 * four levels on two models and 20 projects (plus calls with none).
 */
export const syntheticCall = (r: () => number, at: number): InferenceEvent => {
  const level = LEVELS[Math.floor(r() * LEVELS.length)]!;
  const model = MODELS[level];
  const p = Math.floor(r() * 21);
  const facts = {
    callId: uuid(r),
    level,
    purpose: 'summarise turn',
    model,
    inputHash: 'ab'.repeat(32),
    projectId: p === 20 ? null : `project-${p}`,
    agentId: `agent-${Math.floor(r() * 50)}`,
    commandId: null,
    turnId: null,
    latencyMs: 200 + Math.floor(r() * 3000),
  };
  const envelope = { eventId: uuid(r), occurredAt: new Date(at).toISOString() };
  const inputTokens = 50 + Math.floor(r() * 4000);
  const outputTokens = 10 + Math.floor(r() * 800);
  const cost = costNanos(PRICES[model]!, inputTokens, outputTokens);
  const kind = r();
  if (kind < 0.8) {
    return {
      type: 'InferenceSucceeded',
      ...envelope,
      data: {
        ...facts,
        text: 'A short synthetic answer of about the size a turn summary has.',
        inputTokens,
        outputTokens,
        costNanos: cost,
        reportedCostNanos: cost,
        unpriced: false,
        attempts: 1,
        upstreamId: `gen-${envelope.eventId.slice(0, 8)}`,
      },
    };
  }
  if (kind < 0.88) {
    return {
      type: 'InferenceServedFromCache',
      ...envelope,
      data: {
        ...facts,
        text: 'A short synthetic answer of about the size a turn summary has.',
        inputTokens,
        outputTokens,
        savedNanos: cost,
        sourceCallId: uuid(r),
        coalesced: false,
      },
    };
  }
  if (kind < 0.95) {
    return {
      type: 'InferenceFailed',
      ...envelope,
      data: {
        ...facts,
        errorCode: 'upstream_error',
        errorMessage: 'OpenRouter answered 502',
        attempts: 3,
        upstreamStatus: 502,
      },
    };
  }
  return {
    type: 'InferenceRateLimited',
    ...envelope,
    data: { ...facts, limit: 'calls_per_minute', retryAfterMs: 1200 },
  };
};

/** Runs `n` tasks with at most `concurrency` at once (closed loop: each worker starts the next). */
export const closedLoop = async (
  n: number,
  concurrency: number,
  task: (i: number) => Promise<void>,
): Promise<void> => {
  let next = 0;
  const worker = async () => {
    while (next < n) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker));
};

/** The value at quantile q (0–1) of some numbers. */
export const quantile = (xs: readonly number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
};

/** Milliseconds to two decimals. */
export const ms = (x: number): string => x.toFixed(2);
