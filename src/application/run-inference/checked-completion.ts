import { errAsync, okAsync, ResultAsync } from 'neverthrow';
import {
  attemptsOf,
  inferenceError,
  nanosFromUsd,
  withAttempts,
  type InferenceError,
  type NanoUsd,
  type ResponseFormat,
} from '../../domain';
import type { Completion, CompletionRequest, LlmGateway, ValidateJson } from '../../ports';

/** What every upstream answer of one call spent together: it all lands in the one record. */
export interface Spent {
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly reasoningTokens: number;
  readonly cachedInputTokens: number;
  readonly costNanos: NanoUsd;
  /** Sum of what OpenRouter reported; null when it reported nothing. */
  readonly reportedCostNanos: NanoUsd | null;
  /** Upstream requests made, retries included. */
  readonly attempts: number;
  /** A model answered without a known price: cost counts it as 0. */
  readonly unpriced: boolean;
}

/** Nothing spent yet. */
export const NOTHING_SPENT: Spent = {
  inputTokens: 0,
  outputTokens: 0,
  reasoningTokens: 0,
  cachedInputTokens: 0,
  costNanos: 0,
  reportedCostNanos: null,
  attempts: 0,
  unpriced: false,
};

/** A checked answer (the last completion) and all that the call spent to get it. */
export interface Checked {
  readonly completion: Completion;
  readonly spent: Spent;
}

/** A failure and what the call spent before it. */
export interface Unchecked {
  readonly error: InferenceError;
  readonly spent: Spent;
  /** The model that last answered, when one did. */
  readonly model?: string;
}

/** Checks a reply's text; the problem, or undefined when it is fine. */
export type OutputCheck = (text: string) => Promise<string | undefined>;

/**
 * The check for a response format: the text must parse as JSON and satisfy the schema (the
 * validator may run elsewhere, bounded by a deadline).
 */
export const outputCheck =
  (format: ResponseFormat, validate: ValidateJson | undefined): OutputCheck =>
  async (text) => {
    try {
      JSON.parse(text);
    } catch (e) {
      return `the reply is not JSON (${e instanceof Error ? e.message : String(e)})`;
    }
    if (format.type === 'json' || !validate) return undefined;
    const violation = await validate(text);
    return violation === undefined
      ? undefined
      : `the reply does not match the schema at ${violation}`;
  };

/** The problem `check` finds in a completion's text; none without a check or with tool calls. */
export const problemOf = (
  check: OutputCheck | undefined,
  c: Completion,
): ResultAsync<string | undefined, never> =>
  check && !c.toolCalls ? ResultAsync.fromSafePromise(check(c.text)) : okAsync(undefined);

const add = (s: Spent, c: Completion, cost: NanoUsd | undefined): Spent => ({
  inputTokens: s.inputTokens + c.inputTokens,
  outputTokens: s.outputTokens + c.outputTokens,
  reasoningTokens: s.reasoningTokens + c.reasoningTokens,
  cachedInputTokens: s.cachedInputTokens + c.cachedInputTokens,
  costNanos: s.costNanos + (cost ?? 0),
  reportedCostNanos:
    c.reportedCostUsd === null
      ? s.reportedCostNanos
      : (s.reportedCostNanos ?? 0) + nanosFromUsd(c.reportedCostUsd),
  attempts: s.attempts + c.attempts,
  unpriced: s.unpriced || cost === undefined,
});

/** What a checked completion needs. */
export interface CheckedDeps {
  readonly gateway: LlmGateway;
  /** The cost of one answer at the price of the model that gave it; undefined if unpriced. */
  readonly costOf: (c: Completion) => NanoUsd | undefined;
  /** Repairs after the first invalid answer (`openrouter.structured_output.repair_attempts`). */
  readonly repairAttempts: number;
}

/**
 * One completion whose text passes `check` (when given): an invalid answer is sent back with the
 * problem, up to `repairAttempts` times, then the call fails `invalid_output` naming the first
 * violation. Every answer's tokens and cost are summed. A reply with tool calls is not checked:
 * it asks the caller to run tools rather than answering.
 */
export const checkedCompletion = (
  d: CheckedDeps,
  req: CompletionRequest,
  check: OutputCheck | undefined,
): ResultAsync<Checked, Unchecked> => {
  const attempt = (
    r: CompletionRequest,
    repairs: number,
    spent: Spent,
    lastModel: string | undefined,
  ): ResultAsync<Checked, Unchecked> =>
    d.gateway
      .complete(r)
      .mapErr((error): Unchecked => ({
        error: withAttempts(error, spent.attempts + attemptsOf(error)),
        spent: { ...spent, attempts: spent.attempts + attemptsOf(error) },
        ...(lastModel === undefined ? {} : { model: lastModel }),
      }))
      .andThen((c) => {
        const total = add(spent, c, d.costOf(c));
        return problemOf(check, c).andThen((problem): ResultAsync<Checked, Unchecked> => {
          if (problem === undefined) return okAsync({ completion: c, spent: total });
          if (repairs >= d.repairAttempts) {
            const tries = repairs + 1;
            const detail = `${problem} (after ${tries} answer${tries === 1 ? '' : 's'})`;
            const error = inferenceError('invalid_output', detail, { attempts: total.attempts });
            return errAsync({ error, spent: total, model: c.model });
          }
          return attempt(repairOf(r, c.text, problem), repairs + 1, total, c.model);
        });
      });
  return attempt(req, 0, NOTHING_SPENT, undefined);
};

/** The conversation again, with the invalid answer and what is wrong with it. */
const repairOf = (r: CompletionRequest, text: string, problem: string): CompletionRequest => ({
  ...r,
  messages: [
    ...r.messages,
    { role: 'assistant', content: text === '' ? '(empty reply)' : text },
    {
      role: 'user',
      content: `That reply is invalid: ${problem}. Reply again with only the corrected JSON, nothing else.`,
    },
  ],
});
