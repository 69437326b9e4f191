/** The library entry (CONTRACT §5). */
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
} from './domain';
export { LEVELS, isInferenceError } from './domain';
export type { StatusReport, UsageSeriesParams, InferenceStream, StreamChunk } from './application';
