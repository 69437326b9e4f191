import {
  KnexRetention,
  migrateLatest,
  migrationConfig,
  rebuildProjections,
} from '../../src/adapters/persistence';
import { useTestDatabase } from '../support/test-database';
import { callLog, populate, recordIds, rows, usageTables, AS_OF } from './retention-fixture';
import { succeeded } from '../contracts/fixtures';
import { projectUsage } from '../support/project-usage';

const partitioned = async (
  knex: ReturnType<ReturnType<typeof useTestDatabase>>['knex'],
  table: string,
) =>
  (await knex.raw('SELECT relkind FROM pg_class WHERE relname = ?', [table])).rows[0]?.relkind ===
  'p';

describe('the migration to a partitioned call log', () => {
  const database = useTestDatabase();

  it('converts a populated database: rows, columns and indexes added before it survive, usage equal', async () => {
    const knex = database().knex;
    const pop = await populate(knex);
    // Back to the plain tables, as a database of the previous version has them, with a column
    // and an index another feature added before this migration runs.
    await knex.migrate.down(migrationConfig);
    expect(await partitioned(knex, 'inference_calls')).toBe(false);
    await knex.raw('ALTER TABLE inference_calls ADD COLUMN note_tag text');
    await knex.raw(
      'CREATE INDEX inference_calls_note_idx ON inference_calls (note_tag, created_at)',
    );
    await knex.raw(
      "UPDATE inference_calls SET note_tag = 'n-' || substr(id::text, 1, 4) WHERE status = 'succeeded'",
    );
    const keyed = (await knex.raw('SELECT id, note_tag, key_id FROM inference_calls ORDER BY id'))
      .rows;
    const events = (
      await knex.raw(
        'SELECT position, event_id, type, occurred_at, data, transaction_id::text FROM inference_events ORDER BY position',
      )
    ).rows;
    const records = await recordIds(knex);
    const usage = await usageTables(knex);
    const indexesBefore = (
      await knex.raw(
        "SELECT indexname FROM pg_indexes WHERE tablename = 'inference_calls' ORDER BY 1",
      )
    ).rows;

    await migrateLatest(knex);

    expect(await partitioned(knex, 'inference_calls')).toBe(true);
    expect(await partitioned(knex, 'inference_events')).toBe(true);
    expect(
      (
        await knex.raw(
          'SELECT position, event_id, type, occurred_at, data, transaction_id::text FROM inference_events ORDER BY position',
        )
      ).rows,
    ).toEqual(events);
    expect(await recordIds(knex)).toEqual(records);
    expect(records).toHaveLength(pop.calls.length);
    expect(
      (await knex.raw('SELECT id, note_tag, key_id FROM inference_calls ORDER BY id')).rows,
    ).toEqual(keyed);
    expect(
      (
        await knex.raw(
          "SELECT indexname FROM pg_indexes WHERE tablename = 'inference_calls' ORDER BY 1",
        )
      ).rows,
    ).toEqual(indexesBefore);
    const keyIndex = (
      await knex.raw("SELECT indexdef FROM pg_indexes WHERE indexname = 'inference_calls_note_idx'")
    ).rows[0].indexdef as string;
    expect(keyIndex).toContain('(note_tag, created_at)');
    // The consumer keys' partial index (a migration before this one) too, predicate and all.
    const consumerKeyIndex = (
      await knex.raw("SELECT indexdef FROM pg_indexes WHERE indexname = 'inference_calls_key_idx'")
    ).rows[0].indexdef as string;
    expect(consumerKeyIndex).toMatch(/\(key_id, created_at DESC, id DESC\) WHERE/);
    // Each day of data has its partition; the default ones are empty.
    expect(await rows(knex, 'inference_calls_default')).toBe(0);
    expect(await rows(knex, 'inference_events_default')).toBe(0);
    expect(await usageTables(knex)).toEqual(usage);

    // The log goes on where it was: new appends get later positions, replays are no-ops.
    const log = callLog(knex);
    const e = succeeded({ at: AS_OF });
    await log.append([e]);
    await log.append([e]);
    await log.close();
    const last = (await knex.raw('SELECT max(position)::int AS p FROM inference_events')).rows[0].p;
    expect(last).toBe(Number(events.at(-1).position) + 1);
    await projectUsage(knex);

    // And a rebuild of the converted log, then retention over it, keep usage as it was.
    const live = await usageTables(knex);
    await rebuildProjections(knex);
    expect(await usageTables(knex)).toEqual(live);
    await new KnexRetention(knex, { callsDays: 30, archiveDir: '' }).run({ asOf: AS_OF });
    expect(await usageTables(knex)).toEqual(live);
    await rebuildProjections(knex);
    expect(await usageTables(knex)).toEqual(live);
  }, 120_000);
});
