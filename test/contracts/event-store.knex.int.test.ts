import {
  KnexCallLog,
  KnexCallRecords,
  KnexUsageReadModel,
  type LogSink,
} from '../../src/adapters/persistence';
import { SystemClock } from '../../src/adapters/system/system-clock';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { callLogContract } from './call-log.contract';
import { callRecordsContract } from './call-records.contract';
import type { SubjectFactory } from './fixtures';
import { usageReadModelContract } from './usage-read-model.contract';

const silent: LogSink = { info: () => {}, warn: () => {}, error: () => {} };

describe('Knex event store (PostgreSQL)', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  const make: SubjectFactory = async () => {
    const log = new KnexCallLog(db.knex, { clock: new SystemClock(), log: silent, batchMax: 50 });
    await log.start();
    return {
      log,
      usage: new KnexUsageReadModel(db.knex),
      records: new KnexCallRecords(db.knex),
      dispose: async () => {
        await log.close();
        await db.reset();
      },
    };
  };

  callLogContract('KnexCallLog', make);
  usageReadModelContract('KnexUsageReadModel', make);
  callRecordsContract('KnexCallRecords', make);
});
