import { createInferenceService, type InferenceRequest } from '../../src';
import { InMemoryGateway } from '../../src/adapters/in-memory';

const SCHEMA = {
  type: 'object',
  properties: { priority: { type: 'integer', minimum: 1, maximum: 5 } },
  required: ['priority'],
};

/** The v2 request fields through the library API (typed requests, in-memory adapters). */
describe('createInferenceService: richer requests', () => {
  const build = (gateway = new InMemoryGateway()) =>
    createInferenceService({
      config: {
        openrouter: {
          api_key: 'sk-or-test',
          fallbacks: { objective: ['anthropic/claude-opus-4.5'] },
          allowed_models: ['openai/gpt-4o-mini'],
        },
      },
      env: {},
      memory: true,
      gateway,
      background: false,
    });

  it('the request type is checked by the compiler', () => {
    const ok: InferenceRequest = { level: 'turn', purpose: 'p', input: 'x', topP: 0.5 };
    // @ts-expect-error a wrong level
    const badLevel: InferenceRequest = { level: 'epic', purpose: 'p', input: 'x' };
    // @ts-expect-error an unknown field
    const typo: InferenceRequest = { level: 'turn', purpose: 'p', input: 'x', temprature: 1 };
    // @ts-expect-error input and messages together
    const both: InferenceRequest = { level: 'turn', purpose: 'p', input: 'x', messages: [] };
    const m = [{ role: 'user' as const, content: 'x' }];
    // @ts-expect-error system only with input
    const convo: InferenceRequest = { level: 'turn', purpose: 'p', system: 's', messages: m };
    expect([ok, badLevel, typo, both, convo]).toHaveLength(5);
  });

  it('messages, structured output, tools, reasoning, a chosen model and fallbacks', async () => {
    const gateway = new InMemoryGateway();
    const svc = await build(gateway);
    try {
      const scored = (
        await svc.infer({
          level: 'project',
          purpose: 'priority scoring',
          messages: [
            { role: 'system', content: 'Score priority 1–5.' },
            { role: 'user', content: 'Fix the login outage' },
          ],
          responseFormat: { type: 'json_schema', name: 'score', schema: SCHEMA },
          reasoning: { effort: 'low' },
        } satisfies InferenceRequest)
      )._unsafeUnwrap();
      expect(scored.json).toEqual({ priority: 1 });
      expect(scored.reasoningTokens).toBeGreaterThanOrEqual(0);
      expect(gateway.received[0]?.responseFormat?.type).toBe('json_schema');

      const tooled = (
        await svc.infer({
          level: 'turn',
          purpose: 'agent step',
          input: 'open a ticket',
          tools: [{ type: 'function', function: { name: 'open_ticket', parameters: {} } }],
          toolChoice: { type: 'function', function: { name: 'open_ticket' } },
        })
      )._unsafeUnwrap();
      expect(tooled.toolCalls?.[0]?.function.name).toBe('open_ticket');
      expect(tooled.finishReason).toBe('tool_calls');

      const chosen = await svc.infer({
        level: 'turn',
        purpose: 'p',
        input: 'x',
        model: 'openai/gpt-4o-mini',
      });
      expect(chosen._unsafeUnwrap().model).toBe('openai/gpt-4o-mini');
      const refused = await svc.infer({ level: 'turn', purpose: 'p', input: 'x', model: 'x/y' });
      expect(refused._unsafeUnwrapErr()).toMatchObject({ code: 'invalid_request', field: 'model' });

      await svc.infer({ level: 'objective', purpose: 'p', input: 'reboot' });
      expect(gateway.received.at(-1)?.fallbacks).toEqual(['anthropic/claude-opus-4.5']);
      expect((await svc.status()).fallbacks.objective).toEqual(['anthropic/claude-opus-4.5']);

      gateway.enqueue({ text: 'not json' }, { text: 'still not' });
      const invalid = await svc.infer({
        level: 'turn',
        purpose: 'p',
        input: 'json please',
        responseFormat: { type: 'json' },
      });
      expect(invalid._unsafeUnwrapErr().code).toBe('invalid_output');
    } finally {
      await svc.close();
    }
  });
});
