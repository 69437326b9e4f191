import {
  promptChars,
  worstCaseCostNanos,
  type InferenceError,
  type InferenceStarted,
  type Price,
  tokensOfChars,
} from '../../domain';
import type { Call } from './call';

/**
 * The intent of a call about to go upstream, stamped `at`: what its record will need and the
 * worst-case cost an `interrupted` record carries if this instance dies before the outcome.
 */
export const intentOf = (
  call: Call,
  price: Price | undefined,
  instanceId: string,
  eventId: string,
  at: number,
): InferenceStarted => {
  const { req, facts } = call;
  const inputTokens = tokensOfChars(promptChars(req));
  return {
    type: 'InferenceStarted',
    eventId,
    occurredAt: new Date(at).toISOString(),
    data: {
      callId: facts.callId,
      level: facts.level,
      purpose: facts.purpose,
      model: facts.model,
      inputHash: facts.inputHash,
      projectId: facts.projectId,
      agentId: facts.agentId,
      commandId: facts.commandId,
      turnId: facts.turnId,
      keyId: facts.keyId ?? null,
      estimatedCostNanos: worstCaseCostNanos(price, inputTokens, req.maxOutputTokens),
      instanceId,
    },
  };
};

/** The error a call gets when the service shuts down before or while it runs. */
export const shuttingDown = (detail: string, attempts = 0): InferenceError => ({
  code: 'unavailable',
  detail: `the service is shutting down: ${detail}`,
  attempts,
});
