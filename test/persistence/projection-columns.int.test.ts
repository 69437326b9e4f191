import { CALL_RECORD_COLUMNS } from '../../src/adapters/persistence/projections/call-record-columns';
import { USAGE_COUNTER_COLUMNS } from '../../src/adapters/persistence/projections/usage-counter-columns';
import { GRAINS, HOUR_ALL_PROJECTS } from '../../src/adapters/persistence/read-models/usage-ranges';
import { useTestDatabase } from '../support/test-database';

describe('the projection column tables, against the migrated schema', () => {
  const database = useTestDatabase();

  const columnsOf = async (table: string): Promise<string[]> =>
    (
      await database().knex.raw(
        `SELECT column_name FROM information_schema.columns
         WHERE table_schema = current_schema() AND table_name = ? ORDER BY column_name`,
        [table],
      )
    ).rows.map((r: { column_name: string }) => r.column_name);

  it('name every column of inference_calls, and no other', async () => {
    const named = Object.values(CALL_RECORD_COLUMNS).map((c) => c.column);
    expect(await columnsOf('inference_calls')).toEqual(named.sort());
  });

  it.each([...GRAINS, HOUR_ALL_PROJECTS].map((g) => g.table))(
    'name every counter column of %s, and no other',
    async (table) => {
      const key = ['bucket', 'level', 'model', 'project_id', 'key_id'];
      const counters = Object.values(USAGE_COUNTER_COLUMNS);
      expect(await columnsOf(table)).toEqual([...key, ...counters].sort());
    },
  );
});
