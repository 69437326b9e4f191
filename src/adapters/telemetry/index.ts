export * from './otel-call-tracing';
export * from './otel-export';
export { callSpanAttributes } from './call-span';
