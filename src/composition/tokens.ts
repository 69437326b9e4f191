import type { Container, ResolutionContext } from 'inversify';
import type { EventEmitterPublisher } from '../adapters/events/event-emitter-publisher';
import type {
  GetStatus,
  KeyAdmin,
  KeyDirectory,
  KeyLimiters,
  HealthMonitor,
  InFlightCalls,
  makeGetUsage,
  makeGetUsageSeries,
  makeListCalls,
  PriceBook,
  RunInference,
} from '../application';
import type {
  BudgetLedger,
  Cache,
  CallLog,
  CallRecords,
  ProjectionLag,
  StorageStats,
  Clock,
  KeyStore,
  LlmGateway,
  RateLimiter,
  Readiness,
  SharedStore,
  UsageReadModel,
} from '../ports';
import type { Config } from './config';
import type { Lifecycle } from './lifecycle';
import type { Logger } from './logger';
import type { ServiceOptions } from './options';
import type { Tracing } from './tracing';

declare const carries: unique symbol;

/** A container key that carries the type bound to it, so lookups need no cast. */
export type Token<T> = symbol & { readonly [carries]?: T };

/** A new token for values of type `T`. */
export const token = <T>(name: string): Token<T> => Symbol(name) as Token<T>;

/** Binds `t`: the factory or value given to the returned syntax must produce a `T`. */
export const bind = <T>(c: Container, t: Token<T>) => c.bind<T>(t);

/** Resolves `t` (bound synchronously) as its type. */
export const get = <T>(r: Container | ResolutionContext, t: Token<T>): T => r.get<T>(t);

/** Resolves `t` (bound to an async factory) as its type. */
export const getAsync = <T>(r: Container | ResolutionContext, t: Token<T>): Promise<T> =>
  r.getAsync<T>(t);

/** The tokens of the container. Only the composition root knows about them. */
export const TOKENS = {
  Config: token<Config>('Config'),
  Options: token<ServiceOptions>('ServiceOptions'),
  Lifecycle: token<Lifecycle>('Lifecycle'),
  Clock: token<Clock>('Clock'),
  NewId: token<() => string>('NewId'),
  /** This service instance's id, named in its intents and its lease. */
  InstanceId: token<string>('InstanceId'),
  /** The calls running, for shutdown. */
  InFlight: token<InFlightCalls>('InFlight'),
  /** The consumer keys' store, this instance's copy of them, their admin and rate limits. */
  KeyStore: token<KeyStore>('KeyStore'),
  KeyDirectory: token<KeyDirectory>('KeyDirectory'),
  KeyAdmin: token<KeyAdmin>('KeyAdmin'),
  KeyLimiters: token<KeyLimiters>('KeyLimiters'),
  Logger: token<Logger>('Logger'),
  /** Spans of calls exported over OTLP, or nothing (`OTEL_*` environment). */
  Tracing: token<Tracing>('Tracing'),
  LlmGateway: token<LlmGateway>('LlmGateway'),
  CallLog: token<CallLog>('CallLog'),
  UsageReadModel: token<UsageReadModel>('UsageReadModel'),
  CallRecords: token<CallRecords>('CallRecords'),
  ProjectionLag: token<ProjectionLag>('ProjectionLag'),
  /** Null in memory: nothing is kept on disk. */
  StorageStats: token<StorageStats | null>('StorageStats'),
  /** Whether the database answers and its migrations are applied, and why not. */
  Readiness: token<() => Promise<Readiness>>('Readiness'),
  Cache: token<Cache>('Cache'),
  RateLimiter: token<RateLimiter>('RateLimiter'),
  BudgetLedger: token<BudgetLedger>('BudgetLedger'),
  SharedStore: token<SharedStore>('SharedStore'),
  Publisher: token<EventEmitterPublisher>('EventPublisher'),
  PriceBook: token<PriceBook>('PriceBook'),
  HealthMonitor: token<HealthMonitor>('HealthMonitor'),
  RunInference: token<RunInference>('RunInference'),
  GetStatus: token<GetStatus>('GetStatus'),
  GetUsage: token<ReturnType<typeof makeGetUsage>>('GetUsage'),
  ListCalls: token<ReturnType<typeof makeListCalls>>('ListCalls'),
  GetUsageSeries: token<ReturnType<typeof makeGetUsageSeries>>('GetUsageSeries'),
} as const;
