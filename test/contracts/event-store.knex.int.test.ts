import { KnexCallLog, KnexCallRecords, type LogSink } from '../../src/adapters/persistence';
import { SystemClock } from '../../src/adapters/system/system-clock';
import { readYourWrites } from '../support/project-usage';
import { useTestDatabase } from '../support/test-database';
import { callLogContract } from './call-log.contract';
import { callRecordsContract } from './call-records.contract';
import type { SubjectFactory } from './fixtures';
import { spendRecordsContract } from './spend-records.contract';
import { usageReadModelContract } from './usage-read-model.contract';
import { usageSeriesContract } from './usage-series.contract';

const silent: LogSink = { info: () => {}, warn: () => {}, error: () => {} };

describe('Knex event store (PostgreSQL)', () => {
  const database = useTestDatabase();

  const make: SubjectFactory = async () => {
    const log = new KnexCallLog(database().knex, {
      clock: new SystemClock(),
      log: silent,
      batchMax: 50,
    });
    await log.start();
    const usage = readYourWrites(database().knex);
    return {
      log,
      usage,
      records: new KnexCallRecords(database().knex),
      dispose: async () => {
        await log.close();
        await usage.stop();
        await database().reset();
      },
    };
  };

  callLogContract('KnexCallLog', make);
  usageReadModelContract('KnexUsageReadModel', make);
  usageSeriesContract('KnexUsageReadModel', make);
  callRecordsContract('KnexCallRecords', make);
  spendRecordsContract('Knex event store', make, async () => {
    const rows: Array<{ call_id: string; upstream_id: string | null }> = await database()
      .knex('inference_intents')
      .select('call_id', 'upstream_id')
      .orderBy('created_at');
    return rows.map((r) => ({ callId: r.call_id, upstreamId: r.upstream_id }));
  });
});
