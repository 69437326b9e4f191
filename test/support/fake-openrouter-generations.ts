import type { FakeAction } from './fake-openrouter-steps';
import { errorReply } from './fake-openrouter-replies';

/** What the fake charged for one generation, as its `/generation` reports it. */
export interface FakeGeneration {
  readonly id: string;
  readonly model: string;
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** USD, as `usage.cost` and `total_cost` say it. */
  readonly costUsd: number;
  readonly streamed: boolean;
  /** The client went away before the reply ended (it is charged in full even so). */
  cancelled: boolean;
  /** Epoch ms at which it began. */
  readonly at: number;
}

/** The usage object of a reply the fake sends (OpenRouter's shape). */
interface ReplyUsage {
  readonly prompt_tokens: number;
  readonly completion_tokens: number;
  readonly cost: number;
}

/**
 * The generations the fake has charged, and its `GET /generation?id=`: 404 until `delayMs`
 * after a generation began (OpenRouter's accounting lag), then its tokens and cost in
 * OpenRouter's shape. A generation is charged in full when it begins, whether or not its client
 * stays to read it (a provider keeps generating after the client leaves).
 */
export class FakeGenerations {
  /** How long after a generation began `/generation` still answers 404. */
  delayMs = 0;
  private readonly byId = new Map<string, FakeGeneration>();

  /** Charges the generation a reply body describes (one with an id and usage). */
  charge(
    reply: { id?: unknown; model?: unknown; usage?: ReplyUsage },
    streamed: boolean,
  ): FakeGeneration | undefined {
    const { id, model, usage } = reply;
    if (typeof id !== 'string' || typeof model !== 'string') return undefined;
    if (typeof usage?.prompt_tokens !== 'number' || typeof usage.completion_tokens !== 'number') {
      return undefined;
    }
    const g: FakeGeneration = {
      id,
      model,
      inputTokens: usage.prompt_tokens,
      outputTokens: usage.completion_tokens,
      costUsd: usage.cost,
      streamed,
      cancelled: false,
      at: Date.now(),
    };
    this.byId.set(id, g);
    return g;
  }

  /** The generation charged under `id`, if any. */
  get(id: string): FakeGeneration | undefined {
    return this.byId.get(id);
  }

  clear(): void {
    this.byId.clear();
  }

  /** The reply to `GET /generation?id=…` (the request's URL). */
  reply(url: string): FakeAction {
    const id = new URL(url, 'http://fake').searchParams.get('id') ?? '';
    const g = this.byId.get(id);
    if (!g || Date.now() < g.at + this.delayMs) {
      return send(404, errorReply(404, `Generation ${id} not found`));
    }
    return send(200, {
      data: {
        id: g.id,
        upstream_id: `chatcmpl-${g.id}`,
        total_cost: g.costUsd,
        cache_discount: null,
        upstream_inference_cost: g.costUsd,
        created_at: new Date(g.at).toISOString(),
        model: g.model,
        streamed: g.streamed,
        cancelled: g.cancelled,
        provider_name: 'Fake',
        finish_reason: g.cancelled ? null : 'stop',
        tokens_prompt: g.inputTokens,
        tokens_completion: g.outputTokens,
        native_tokens_prompt: g.inputTokens,
        native_tokens_completion: g.outputTokens,
        native_tokens_reasoning: 0,
        native_tokens_cached: 0,
        usage: g.costUsd,
        is_byok: false,
      },
    });
  }
}

const send = (status: number, body: object): FakeAction => ({
  kind: 'send',
  status,
  body: JSON.stringify(body),
  delayMs: 0,
});
