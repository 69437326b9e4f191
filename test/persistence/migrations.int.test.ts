import {
  createKnex,
  isReady,
  migrateLatest,
  migrationConfig,
} from '../../src/adapters/persistence';
import { useTestDatabase } from '../support/test-database';

const TABLES = [
  'consumer_key_last_used',
  'consumer_keys',
  'inference_calls',
  'inference_calls_default',
  'inference_events',
  'inference_events_default',
  'inference_events_kept',
  'inference_instances',
  'inference_intents',
  'projection_checkpoints',
  'retention_drops',
  'retention_passes',
  'retention_texts',
  'usage_day',
  'usage_hour',
  'usage_hour_all_projects',
  'usage_minute',
  'usage_retained',
  'usage_week',
];

describe('migrations', () => {
  const database = useTestDatabase();

  const tables = async (): Promise<string[]> =>
    (
      await database().knex.raw(
        // Daily partitions (made for the days around now) aside.
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename NOT LIKE 'knex%' AND tablename !~ '_p[0-9]{8}$' ORDER BY 1",
      )
    ).rows.map((r: { tablename: string }) => r.tablename);

  /** Rolls migrations back one at a time until `usage_hour` has no `column`. */
  const downUntilUsageHourLacks = async (column: string): Promise<void> => {
    const has = async () =>
      (
        await database().knex.raw(
          "SELECT 1 FROM information_schema.columns WHERE table_name = 'usage_hour' AND column_name = ?",
          [column],
        )
      ).rows.length > 0;
    while (await has()) await database().knex.migrate.down(migrationConfig);
  };

  it('roll all the way down and up again; readiness follows', async () => {
    expect(await tables()).toEqual(TABLES);
    expect(await isReady(database().knex)).toBe(true);
    await database().knex.migrate.rollback(migrationConfig, true);
    expect(await tables()).toEqual([]);
    expect(await isReady(database().knex)).toBe(false);
    await migrateLatest(database().knex);
    expect(await tables()).toEqual(TABLES);
    expect(await isReady(database().knex)).toBe(true);
  });

  it('two instances starting together on a fresh database both migrate it', async () => {
    const db = database().knex;
    await db.migrate.rollback(migrationConfig, true);
    await db.raw('DROP TABLE knex_migrations, knex_migrations_lock');
    const instances = [createKnex(database().url), createKnex(database().url)];
    try {
      await Promise.all(instances.map((k) => migrateLatest(k)));
    } finally {
      await Promise.all(instances.map((k) => k.destroy()));
    }
    expect(await tables()).toEqual(TABLES);
    expect(await isReady(db)).toBe(true);
  });

  it('fill the week grain from the day rows a database already has', async () => {
    const knex = database().knex;
    // Later migrations first, then the week grain's own.
    while ((await tables()).includes('usage_week')) await knex.migrate.down(migrationConfig);
    await knex.raw(`INSERT INTO usage_day (bucket, level, model, project_id, calls, cost_nanos)
      VALUES ('2026-01-07', 'turn', 'm', '', 2, 5), ('2026-01-08', 'turn', 'm', '', 3, 7),
             ('2026-01-09', 'turn', 'm', '', 4, 1)`);
    await migrateLatest(knex);
    const weeks = await knex.raw(
      'SELECT bucket, calls::int, cost_nanos::int FROM usage_week ORDER BY bucket',
    );
    expect(weeks.rows).toEqual([
      { bucket: new Date('2026-01-01'), calls: 2, cost_nanos: 5 },
      { bucket: new Date('2026-01-08'), calls: 7, cost_nanos: 8 },
    ]);
    await knex.raw('TRUNCATE usage_day, usage_week');
  });

  it('add the richer answer columns, old rows reading as zero tokens and no tool calls', async () => {
    const knex = database().knex;
    const cols = await knex.raw(`SELECT table_name, column_name, data_type, column_default
      FROM information_schema.columns WHERE column_name IN
      ('reasoning_tokens', 'cached_input_tokens', 'tool_calls', 'finish_reason')
        AND table_name NOT IN (SELECT relname FROM pg_class WHERE relispartition)
      ORDER BY table_name, column_name`);
    expect(cols.rows).toEqual([
      {
        table_name: 'inference_calls',
        column_name: 'cached_input_tokens',
        data_type: 'integer',
        column_default: '0',
      },
      {
        table_name: 'inference_calls',
        column_name: 'finish_reason',
        data_type: 'text',
        column_default: null,
      },
      {
        table_name: 'inference_calls',
        column_name: 'reasoning_tokens',
        data_type: 'integer',
        column_default: '0',
      },
      {
        table_name: 'inference_calls',
        column_name: 'tool_calls',
        data_type: 'jsonb',
        column_default: null,
      },
      ...TABLES.filter((t) => t.startsWith('usage_')).map((t) => ({
        table_name: t,
        column_name: 'reasoning_tokens',
        data_type: 'bigint',
        column_default: '0',
      })),
    ]);
  });

  it('fill latency sums from the call records a database already has', async () => {
    const knex = database().knex;
    await downUntilUsageHourLacks('latency_ms_sum');
    const call = (id: number, at: string, status: string, latency: number) =>
      `('00000000-0000-4000-8000-00000000000${id}', '${at}', 'turn', 'p', 'm', '${status}', 0, 0,
        '${'a'.repeat(64)}', ${latency}, 0, 1, NULL)`;
    await knex.raw(`INSERT INTO inference_calls (id, created_at, level, purpose, model, status,
        input_tokens, output_tokens, input_hash, latency_ms, cost_usd, attempts, project_id)
      VALUES ${call(1, '2026-01-07T10:01:00Z', 'succeeded', 100)},
             ${call(2, '2026-01-07T10:59:00Z', 'succeeded', 300)},
             ${call(3, '2026-01-07T10:30:00Z', 'failed', 9000)}`);
    for (const [table, bucket] of [
      ['usage_hour', '2026-01-07T10:00:00Z'],
      ['usage_week', '2026-01-01T00:00:00Z'],
    ]) {
      await knex.raw(`INSERT INTO ${table} (bucket, level, model, project_id, calls)
        VALUES ('${bucket}', 'turn', 'm', '', 3)`);
    }
    await migrateLatest(knex);
    for (const table of ['usage_hour', 'usage_week']) {
      const { rows } = await knex.raw(
        `SELECT latency_ms_sum::int AS sum, latency_calls::int AS n, ttft_calls::int AS t FROM ${table}`,
      );
      expect(rows).toEqual([{ sum: 400, n: 2, t: 0 }]);
    }
    await knex.raw('TRUNCATE inference_calls, usage_hour, usage_week');
  });

  it('fill the spend of each status from the call records a database already has', async () => {
    const knex = database().knex;
    await downUntilUsageHourLacks('cancelled_cost_nanos');
    await knex.raw('TRUNCATE inference_calls, usage_hour, usage_week, usage_hour_all_projects');
    const call = (id: number, status: string, tokens: number, usd: string, project: string) =>
      `('00000000-0000-4000-8000-00000000000${id}', '2026-01-07T10:0${id}:00Z', 'turn', 'p', 'm',
        '${status}', ${tokens}, 1, '${'a'.repeat(64)}', 5, ${usd}, 1, ${project})`;
    await knex.raw(`INSERT INTO inference_calls (id, created_at, level, purpose, model, status,
        input_tokens, output_tokens, input_hash, latency_ms, cost_usd, attempts, project_id)
      VALUES ${call(1, 'succeeded', 100, '0.5', 'NULL')}, ${call(2, 'failed', 30, '0.25', 'NULL')},
        ${call(3, 'cancelled', 7, '0.000000002', "'p-1'")}, ${call(4, 'cancelled', 0, '1', 'NULL')},
        ${call(5, 'interrupted', 0, '0.125', 'NULL')}`);
    for (const [table, bucket, project] of [
      ['usage_hour', '2026-01-07T10:00:00Z', ''],
      ['usage_hour', '2026-01-07T10:00:00Z', 'p-1'],
      ['usage_week', '2026-01-01T00:00:00Z', ''],
      ['usage_hour_all_projects', '2026-01-07T10:00:00Z', ''],
    ]) {
      await knex.raw(`INSERT INTO ${table} (bucket, level, model, project_id, calls)
        VALUES ('${bucket}', 'turn', 'm', '${project}', 1)`);
    }
    await migrateLatest(knex);
    const spend = async (table: string) =>
      (
        await knex.raw(`SELECT project_id, failed_input_tokens::int AS fi,
          failed_cost_nanos::bigint::text AS fc, cancelled_input_tokens::int AS ci,
          cancelled_output_tokens::int AS co, cancelled_cost_nanos::bigint::text AS cc,
          interrupted_cost_nanos::bigint::text AS ic
          FROM ${table} ORDER BY project_id`)
      ).rows;
    const none = { fi: 30, fc: '250000000', ci: 0, co: 1, cc: '1000000000', ic: '125000000' };
    const p1 = { fi: 0, fc: '0', ci: 7, co: 1, cc: '2', ic: '0' };
    expect(await spend('usage_hour')).toEqual([
      { project_id: '', ...none },
      { project_id: 'p-1', ...p1 },
    ]);
    expect(await spend('usage_week')).toEqual([{ project_id: '', ...none }]);
    expect(await spend('usage_hour_all_projects')).toEqual([
      { project_id: '', ...none, ci: 7, co: 2, cc: '1000000002' },
    ]);
    await knex.raw('TRUNCATE inference_calls, usage_hour, usage_week, usage_hour_all_projects');
  });

  it('keep the event log append-only', async () => {
    await database().knex.raw(
      "INSERT INTO inference_events (event_id, type, occurred_at, data, partition_at) VALUES (gen_random_uuid(), 'InferenceFailed', now(), '{}', now())",
    );
    await expect(database().knex.raw('UPDATE inference_events SET type = $$x$$')).rejects.toThrow(
      /append-only/,
    );
    await expect(database().knex.raw('DELETE FROM inference_events')).rejects.toThrow(
      /append-only/,
    );
    await expect(database().knex.raw('TRUNCATE inference_events')).rejects.toThrow(/append-only/);
  });

  it('checks readiness without writing: a database never migrated stays without tables', async () => {
    const knex = database().knex;
    await knex.migrate.rollback(migrationConfig, true);
    await knex.raw('DROP TABLE knex_migrations, knex_migrations_lock');
    expect(await isReady(knex)).toBe(false);
    const { rows } = await knex.raw(
      "SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'",
    );
    expect(rows[0].n).toBe(0);
    await migrateLatest(knex);
    expect(await isReady(knex)).toBe(true);
  });

  it('is not ready when the database does not answer', async () => {
    const nowhere = createKnex('postgres://postgres@127.0.0.1:1/none', { acquireTimeoutMs: 500 });
    try {
      expect(await isReady(nowhere)).toBe(false);
    } finally {
      await nowhere.destroy();
    }
  });
});
