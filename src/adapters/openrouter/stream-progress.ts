import { tokensOfChars, type FinishReason, type ToolCall } from '../../domain';
import type {
  CompletionDelta,
  PartialStream,
  Completion,
  StreamUsage,
  ToolCallDelta,
} from '../../ports';
import type { StreamChunk } from './stream-chunks';

/**
 * What one streamed call has received, across its attempts: the text delivered, the tool calls
 * merged by index, the usage chunk, the generation id. Once a delta was delivered the call is
 * committed to this attempt (nothing is retried after that).
 */
export class StreamProgress {
  delivered = false;
  attempts = 0;
  private text = '';
  private readonly tools = new Map<number, { id?: string; name: string; arguments: string }>();
  private usage: StreamUsage | null = null;
  private finish: FinishReason | null = null;
  private done = false;
  private id: string | null = null;
  private answeredBy: string;

  constructor(
    private readonly model: string,
    private readonly onDelta: (d: CompletionDelta) => void,
    /** Told each attempt's generation id once, as soon as it is known (header or first chunk). */
    private readonly onUpstreamId: (id: string) => void = () => undefined,
  ) {
    this.answeredBy = model;
  }

  /** A new attempt begins: forget what the failed one received (it delivered nothing). */
  restart(attempt: number, upstreamId: string | null): void {
    this.attempts = attempt;
    this.tools.clear();
    this.usage = null;
    this.finish = null;
    this.done = false;
    this.id = upstreamId;
    this.answeredBy = this.model;
    if (upstreamId !== null) this.onUpstreamId(upstreamId);
  }

  /** Takes one parsed chunk, passing its delta on to the caller. */
  take(c: StreamChunk): void {
    if (c.kind === 'done') {
      this.done = true;
      return;
    }
    if (this.id === null && c.id !== null) {
      this.id = c.id;
      this.onUpstreamId(c.id);
    }
    if (c.model !== null) this.answeredBy = c.model;
    if (c.usage) this.usage = c.usage;
    if (c.finishReason !== null) this.finish = c.finishReason;
    if (c.delta === null) return;
    if (c.delta.text !== undefined) this.text += c.delta.text;
    for (const t of c.delta.toolCalls ?? []) this.mergeTool(t);
    this.delivered = true;
    this.onDelta(c.delta);
  }

  /** True once the stream said it is over (`[DONE]`, or a finish reason). */
  get finished(): boolean {
    return this.done || this.finish !== null;
  }

  /** The completion, with usage from the usage chunk, else estimated from the text. */
  result(estimatedInputTokens: number): Completion {
    const u = this.usage;
    const toolCalls = this.toolCalls();
    return {
      text: this.text,
      toolCalls: toolCalls.length > 0 ? toolCalls : null,
      inputTokens: u ? u.inputTokens : estimatedInputTokens,
      outputTokens: u ? u.outputTokens : tokensOfChars(this.text.length),
      cachedInputTokens: u?.cachedInputTokens ?? 0,
      cacheWriteTokens: u?.cacheWriteTokens ?? 0,
      reasoningTokens: u?.reasoningTokens ?? 0,
      reportedCostUsd: u?.costUsd ?? null,
      finishReason: this.finish,
      model: this.answeredBy,
      upstreamId: this.id,
      attempts: this.attempts,
    };
  }

  /** What was delivered before the stream stopped short. */
  partial(): PartialStream {
    return {
      text: this.text,
      usage: this.usage,
      model: this.answeredBy,
      upstreamId: this.id,
      attempts: this.attempts,
      delivered: this.delivered,
    };
  }

  /** The tool calls assembled so far, in index order, in OpenAI's final shape. */
  toolCalls(): ToolCall[] {
    return [...this.tools.entries()]
      .sort(([a], [b]) => a - b)
      .map(([i, t]) => ({
        id: t.id ?? `call_${i}`,
        type: 'function' as const,
        function: { name: t.name, arguments: t.arguments },
      }));
  }

  private mergeTool(t: ToolCallDelta): void {
    const known = this.tools.get(t.index) ?? { name: '', arguments: '' };
    if (t.id !== undefined) known.id = t.id;
    if (t.function?.name !== undefined) known.name += t.function.name;
    if (t.function?.arguments !== undefined) known.arguments += t.function.arguments;
    this.tools.set(t.index, known);
  }
}
