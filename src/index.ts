/** The library entry: `createInferenceService` and the types its callers need. */
export { createInferenceService, type InferenceService } from './composition/service';
export type { ServiceOptions } from './composition/options';
export type { Config } from './composition/config';
export type {
  InferenceError,
  ErrorCode,
  InferenceResult,
  InferenceRequest,
  PromptRequest,
  ConversationRequest,
  RequestOptions,
  ChatMessage,
  ToolCall,
  ToolDefinition,
  ToolChoice,
  ResponseFormat,
  Reasoning,
  FinishReason,
  InferenceEvent,
  InferenceEventMap,
  Level,
  UsageReport,
  UsageSeries,
  SeriesPoint,
  CallRecord,
  Consumer,
  Scope,
  KeySpec,
} from './domain';
export { LEVELS, isInferenceError } from './domain';
export type { StatusReport, UsageSeriesParams, InferenceStream, StreamChunk } from './application';
export type {
  KeyAdmin,
  KeyAdminError,
  KeyView,
  IssuedKey,
  RotatedKey,
  KeyCheck,
} from './application';
export type { Keyring } from './composition/service';
