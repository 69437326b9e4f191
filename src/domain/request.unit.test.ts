import { inferenceRequestSchema, parseInferenceRequest, type InferenceRequest } from './request';

const schema = inferenceRequestSchema(100);
const base = { level: 'task', purpose: 'score' };
const prompt = { ...base, input: 'hello' };
const convo = { ...base, messages: [{ role: 'user', content: 'hello' }] };
const tool = { type: 'function', function: { name: 'lookup', parameters: { type: 'object' } } };
const call = { id: 'c1', type: 'function', function: { name: 'lookup', arguments: '{}' } };

const fieldOf = (body: unknown): string | undefined => {
  const r = parseInferenceRequest(schema, body);
  return r.isErr() ? r.error.field : undefined;
};

describe('the request (v2)', () => {
  it('accepts every field together', () => {
    const full = {
      ...convo,
      messages: [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: 'look it up' },
        { role: 'assistant', content: '', toolCalls: [call] },
        { role: 'tool', content: '{"found":true}', toolCallId: 'c1' },
      ],
      model: 'm/x',
      maxOutputTokens: 10,
      temperature: 0,
      topP: 1,
      stop: ['a', 'b', 'c', 'd'],
      seed: -3,
      responseFormat: { type: 'json_schema', name: 'score', schema: { type: 'object' } },
      tools: [tool],
      toolChoice: { type: 'function', function: { name: 'lookup' } },
      reasoning: { effort: 'high' },
      stream: false,
      projectId: 'p',
      agentId: 'a',
      commandId: 'c',
      turnId: 't',
      cache: true,
    };
    const r = parseInferenceRequest(schema, full);
    expect(r.isOk()).toBe(true);
    expect(r._unsafeUnwrap().messages).toHaveLength(4);
  });

  it('a prompt parses to a PromptRequest, a conversation to a ConversationRequest', () => {
    const a: InferenceRequest = parseInferenceRequest(schema, prompt)._unsafeUnwrap();
    expect(a.input).toBe('hello');
    expect('messages' in a && a.messages !== undefined).toBe(false);
    const b = parseInferenceRequest(schema, convo)._unsafeUnwrap();
    expect(b.messages?.[0]?.content).toBe('hello');
  });

  it.each([
    ['temprature', { ...prompt, temprature: 1 }],
    ['messages.0.nmae', { ...convo, messages: [{ role: 'user', content: 'x', nmae: 'y' }] }],
    ['responseFormat.extra', { ...prompt, responseFormat: { type: 'json', extra: 1 } }],
    [
      'tools.0.function.x',
      { ...prompt, tools: [{ ...tool, function: { ...tool.function, x: 1 } }] },
    ],
    ['input', base],
    ['messages', { ...prompt, messages: convo.messages }],
    ['system', { ...convo, system: 'be brief' }],
    ['messages', { ...base, messages: [] }],
    ['messages.0.role', { ...base, messages: [{ role: 'robot', content: 'x' }] }],
    ['messages.0.content', { ...base, messages: [{ role: 'user', content: '' }] }],
    ['messages.0.content', { ...base, messages: [{ role: 'user' }] }],
    [
      'messages.1.toolCallId',
      { ...base, messages: [convo.messages[0], { role: 'tool', content: 'r' }] },
    ],
    [
      'messages.0.toolCallId',
      { ...base, messages: [{ role: 'user', content: 'x', toolCallId: 'c' }] },
    ],
    [
      'messages.0.toolCalls',
      { ...base, messages: [{ role: 'user', content: 'x', toolCalls: [call] }] },
    ],
    [
      'messages.0.toolCalls.0.type',
      {
        ...base,
        messages: [{ role: 'assistant', content: '', toolCalls: [{ ...call, type: 'x' }] }],
      },
    ],
    ['messages', { ...base, messages: [{ role: 'user', content: 'x'.repeat(101) }] }],
    ['model', { ...prompt, model: '' }],
    ['topP', { ...prompt, topP: 0 }],
    ['topP', { ...prompt, topP: 1.01 }],
    ['stop', { ...prompt, stop: ['a', 'b', 'c', 'd', 'e'] }],
    ['stop', { ...prompt, stop: 'a' }],
    ['stop.0', { ...prompt, stop: [''] }],
    ['seed', { ...prompt, seed: 1.5 }],
    ['responseFormat.type', { ...prompt, responseFormat: { type: 'xml' } }],
    ['responseFormat.schema', { ...prompt, responseFormat: { type: 'json_schema' } }],
    [
      'responseFormat.name',
      { ...prompt, responseFormat: { type: 'json_schema', name: 'a b', schema: {} } },
    ],
    ['tools', { ...prompt, tools: [] }],
    [
      'tools.0.function.name',
      { ...prompt, tools: [{ ...tool, function: { ...tool.function, name: 'a b' } }] },
    ],
    [
      'tools.0.function.parameters',
      { ...prompt, tools: [{ type: 'function', function: { name: 'f' } }] },
    ],
    ['toolChoice', { ...prompt, toolChoice: 'auto' }],
    ['toolChoice', { ...prompt, tools: [tool], toolChoice: 'sometimes' }],
    [
      'toolChoice.function.name',
      { ...prompt, tools: [tool], toolChoice: { type: 'function', function: { name: 'other' } } },
    ],
    ['reasoning', { ...prompt, reasoning: { effort: 'extreme' } }],
    ['reasoning.maxTokens', { ...prompt, reasoning: { maxTokens: 0 } }],
    ['stream', { ...prompt, stream: 'yes' }],
  ])('400 naming %s', (field, body) => {
    expect(fieldOf(body)).toBe(field);
  });

  it('says "unknown field" for an unknown field', () => {
    const r = parseInferenceRequest(schema, { ...prompt, temprature: 1 });
    expect(r._unsafeUnwrapErr()).toMatchObject({
      code: 'invalid_request',
      detail: 'temprature: unknown field',
    });
  });
});
