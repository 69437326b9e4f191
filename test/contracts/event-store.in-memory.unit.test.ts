import { InMemoryEventStore } from '../../src/adapters/in-memory';
import { callLogContract } from './call-log.contract';
import { callRecordsContract } from './call-records.contract';
import type { SubjectFactory } from './fixtures';
import { spendRecordsContract } from './spend-records.contract';
import { usageReadModelContract } from './usage-read-model.contract';
import { usageSeriesContract } from './usage-series.contract';

const make: SubjectFactory = async () => {
  const store = new InMemoryEventStore();
  return { log: store, usage: store, records: store, dispose: () => store.close() };
};

callLogContract('InMemoryEventStore', make);
usageReadModelContract('InMemoryEventStore', make);
usageSeriesContract('InMemoryEventStore', make);
callRecordsContract('InMemoryEventStore', make);
spendRecordsContract('InMemoryEventStore', make, async (s) =>
  (s.log as InMemoryEventStore)
    .openIntents()
    .map((i) => ({ callId: i.data.callId, upstreamId: i.upstreamId })),
);
