import type { Container } from 'inversify';
import { InMemoryEventStore } from '../../adapters/in-memory/in-memory-event-store';
import type { CallLog, CallRecords, UsageReadModel } from '../../ports';
import type { Lifecycle } from '../lifecycle';
import { TOKENS } from '../tokens';

/** Binds the call log and its read models to one store. */
export const bindPersistence = (c: Container): void => {
  c.bind<InMemoryEventStore>(InMemoryEventStore)
    .toDynamicValue((ctx) => {
      const store = new InMemoryEventStore();
      ctx.get<Lifecycle>(TOKENS.Lifecycle).onClose('call log', () => store.close());
      return store;
    })
    .inSingletonScope();
  c.bind<CallLog>(TOKENS.CallLog).toService(InMemoryEventStore);
  c.bind<UsageReadModel>(TOKENS.UsageReadModel).toService(InMemoryEventStore);
  c.bind<CallRecords>(TOKENS.CallRecords).toService(InMemoryEventStore);
};
