/** Symbol tokens for the container. Only the composition root knows about them. */
export const TOKENS = {
  Config: Symbol('Config'),
  Options: Symbol('ServiceOptions'),
  Lifecycle: Symbol('Lifecycle'),
  Clock: Symbol('Clock'),
  NewId: Symbol('NewId'),
  /** `string`: this service instance's id, named in its intents and its lease. */
  InstanceId: Symbol('InstanceId'),
  /** `InFlightCalls`: the calls running, for shutdown. */
  InFlight: Symbol('InFlight'),
  Logger: Symbol('Logger'),
  LlmGateway: Symbol('LlmGateway'),
  CallLog: Symbol('CallLog'),
  UsageReadModel: Symbol('UsageReadModel'),
  CallRecords: Symbol('CallRecords'),
  /** `() => Promise<boolean>`: the database answers and its migrations are applied. */
  Readiness: Symbol('Readiness'),
  Cache: Symbol('Cache'),
  RateLimiter: Symbol('RateLimiter'),
  BudgetLedger: Symbol('BudgetLedger'),
  SharedStore: Symbol('SharedStore'),
  Publisher: Symbol('EventPublisher'),
  PriceBook: Symbol('PriceBook'),
  HealthMonitor: Symbol('HealthMonitor'),
  RunInference: Symbol('RunInference'),
  GetStatus: Symbol('GetStatus'),
  GetUsage: Symbol('GetUsage'),
  GetUsageSeries: Symbol('GetUsageSeries'),
  ListCalls: Symbol('ListCalls'),
} as const;
