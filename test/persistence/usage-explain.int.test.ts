import { KnexCallLog, type LogSink } from '../../src/adapters/persistence';
import { usageStatement } from '../../src/adapters/persistence/read-models/knex-usage-read-model';
import { SystemClock } from '../../src/adapters/system/system-clock';
import type { UsageQuery } from '../../src/domain';
import { DAY, HOUR, MIN, succeeded, T0 } from '../contracts/fixtures';
import { useTestDatabase } from '../support/test-database';

const silent: LogSink = { info: () => {}, warn: () => {}, error: () => {} };

interface PlanNode {
  'Relation Name'?: string;
  Plans?: PlanNode[];
}
const relations = (n: PlanNode): string[] => [
  ...(n['Relation Name'] ? [n['Relation Name']] : []),
  ...(n.Plans ?? []).flatMap(relations),
];

describe('the usage query plan', () => {
  const database = useTestDatabase();
  beforeAll(async () => {
    const db = database();
    const log = new KnexCallLog(db.knex, { clock: new SystemClock(), log: silent });
    const events = Array.from({ length: 2000 }, (_, i) =>
      succeeded({ at: T0 + (i % 5) * DAY + (i % 97) * MIN, projectId: `p-${i % 13}` }),
    );
    await log.append(events);
    await log.close();
    await db.knex.raw('ANALYZE');
  });

  const queries: Array<[string, UsageQuery]> = [
    ['no filter', {}],
    [
      'a ragged window',
      { since: T0 + DAY + 7 * MIN + 1, until: T0 + 3 * DAY + 2 * HOUR + 5 * MIN },
    ],
    ['project and level', { since: T0, projectId: 'p-3', level: 'turn' }],
  ];

  it.each(queries)('reads the usage tables and never inference_calls: %s', async (_, q) => {
    const st = usageStatement(q)!;
    const { rows } = await database().knex.raw(`EXPLAIN (FORMAT JSON) ${st.sql}`, [...st.bindings]);
    const plan = rows[0]['QUERY PLAN'][0].Plan as PlanNode;
    const touched = relations(plan);
    expect(touched.every((t) => t.startsWith('usage_'))).toBe(true);
    expect(touched.length).toBeGreaterThan(0);
    expect(touched).not.toContain('inference_calls');
    expect(touched).not.toContain('inference_events');
  });
});
