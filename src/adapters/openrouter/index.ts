/** The OpenRouter adapter: the LlmGateway over OpenRouter, resilient with cockatiel. */
export * from './openrouter-gateway';
export { isRetryableStatus, isUpstreamFailure, UpstreamFailure, type FailureKind } from './failure';
export { parseRetryAfter } from './retry-after';
export {
  retryDelay,
  type ResilienceEvent,
  type ResilienceSettings,
  type RetrySettings,
} from './resilience';
export { pricesFrom, perMillion } from './health';
