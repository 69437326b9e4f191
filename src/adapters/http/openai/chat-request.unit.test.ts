import { modelCatalog } from './catalog';
import { mapChatRequest } from './chat-request';

const HAIKU = 'anthropic/claude-haiku-4.5';
const SONNET = 'anthropic/claude-sonnet-4.5';
const catalog = modelCatalog(
  { turn: HAIKU, task: HAIKU, project: SONNET, objective: SONNET },
  { objective: ['anthropic/claude-opus-4.5'] },
  ['openai/gpt-4o-mini', HAIKU],
);
const user = (content: unknown) => ({ role: 'user', content });
const map = (body: Record<string, unknown>) =>
  mapChatRequest({ model: 'turn', messages: [user('hi')], ...body }, catalog)._unsafeUnwrap();
const refusal = (body: unknown) => mapChatRequest(body, catalog)._unsafeUnwrapErr();

describe('model → level and model', () => {
  it.each([
    ['turn', undefined, { level: 'turn' }],
    ['objective', undefined, { level: 'objective' }],
    [SONNET, undefined, { level: 'project' }],
    [HAIKU, undefined, { level: 'turn' }],
    ['openai/gpt-4o-mini', undefined, { level: 'task', model: 'openai/gpt-4o-mini' }],
    ['objective', 'turn', { level: 'turn', model: SONNET }],
    [HAIKU, 'task', { level: 'task' }],
    [HAIKU, 'project', { level: 'project', model: HAIKU }],
  ])('model %s with level %s', (model, level, expected) => {
    const { native } = map({ model, ...(level ? { level } : {}) });
    expect({ level: native.level, model: native.model }).toEqual({ model: undefined, ...expected });
  });

  it('lists each model once: levels, fallbacks, then allowed', () => {
    expect(catalog.allowed).toEqual([
      HAIKU,
      SONNET,
      'anthropic/claude-opus-4.5',
      'openai/gpt-4o-mini',
    ]);
  });
});

describe('level, purpose and associations', () => {
  it('default to the model level and "chat.completions"', () => {
    const { native } = map({});
    expect(native).toMatchObject({ level: 'turn', purpose: 'chat.completions' });
    expect(native).not.toHaveProperty('projectId');
  });

  it('come from metadata', () => {
    const { native, params } = map({
      metadata: {
        level: 'project',
        purpose: 'p',
        project_id: 'pr',
        agent_id: 'ag',
        command_id: 'cm',
        turn_id: 'tu',
        other: 'ignored',
      },
    });
    expect(native).toMatchObject({
      level: 'project',
      model: HAIKU,
      purpose: 'p',
      projectId: 'pr',
      agentId: 'ag',
      commandId: 'cm',
      turnId: 'tu',
    });
    expect(params).toMatchObject({ level: 'metadata.level', projectId: 'metadata.project_id' });
  });

  it('top-level fields win over metadata', () => {
    const { native, params } = map({
      level: 'task',
      purpose: 'top',
      agentId: 'a-top',
      metadata: { level: 'objective', purpose: 'meta', agent_id: 'a-meta' },
    });
    expect(native).toMatchObject({ level: 'task', purpose: 'top', agentId: 'a-top' });
    expect(params).toMatchObject({ level: 'level', purpose: 'purpose', agentId: 'agentId' });
  });

  it('pass an invalid level on for the native validation to refuse', () => {
    expect(map({ metadata: { level: 'epic' } }).native.level).toBe('epic');
  });
});

describe('messages', () => {
  it('a lone user message (after one system or developer message) is input and system', () => {
    expect(map({}).native).toMatchObject({ input: 'hi' });
    const { native } = map({ messages: [{ role: 'developer', content: 'sys' }, user('q')] });
    expect(native).toMatchObject({ system: 'sys', input: 'q' });
    expect(native).not.toHaveProperty('messages');
  });

  it('text parts are joined by newlines', () => {
    const parts = [
      { type: 'text', text: 'a' },
      { type: 'text', text: 'b' },
    ];
    expect(map({ messages: [user(parts)] }).native.input).toBe('a\nb');
  });

  it('a conversation stays messages, with tool calls and tool results in the native shape', () => {
    const call = { id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } };
    const { native, params } = map({
      messages: [
        user('q'),
        { role: 'assistant', content: null, tool_calls: [{ ...call, extra: 1 }], name: 'bot' },
        { role: 'tool', tool_call_id: 'c1', content: [{ type: 'text', text: '42' }] },
      ],
    });
    expect(native.messages).toEqual([
      { role: 'user', content: 'q' },
      { role: 'assistant', content: '', toolCalls: [call] },
      { role: 'tool', content: '42', toolCallId: 'c1' },
    ]);
    expect(native).not.toHaveProperty('input');
    expect(params.messages).toBe('messages');
  });

  it.each([
    [{ model: 'turn' }, 'messages'],
    [{ model: 'turn', messages: [] }, 'messages'],
    [{ model: 'turn', messages: ['x'] }, 'messages[0]'],
    [{ model: 'turn', messages: [{ role: 'function', content: 'x' }] }, 'messages[0].role'],
    [{ model: 'turn', messages: [user(7)] }, 'messages[0].content'],
    [
      { model: 'turn', messages: [user([{ type: 'text', text: 'a' }, { type: 'image_url' }])] },
      'messages[0].content[1]',
    ],
    [{ messages: [user('x')] }, 'model'],
    [{ model: '', messages: [user('x')] }, 'model'],
    [{ model: 'turn', messages: [user('x')], metadata: 'x' }, 'metadata'],
    [{ model: 'turn', messages: [user('x')], stream: 'yes' }, 'stream'],
    [[], 'body'],
  ])('%j is refused naming %s', (body, param) => {
    expect(refusal(body).param).toBe(param);
  });
});

describe('generation parameters', () => {
  it('map to the native names', () => {
    const { native, params } = map({
      max_tokens: 10,
      max_completion_tokens: 20,
      temperature: 0.5,
      top_p: 0.9,
      stop: 'END',
      seed: 7,
      tool_choice: 'required',
      cache: false,
    });
    expect(native).toMatchObject({
      maxOutputTokens: 20,
      temperature: 0.5,
      topP: 0.9,
      stop: ['END'],
      seed: 7,
      toolChoice: 'required',
      cache: false,
    });
    expect(params).toMatchObject({ maxOutputTokens: 'max_completion_tokens', topP: 'top_p' });
    expect(map({ max_tokens: 10 }).params.maxOutputTokens).toBe('max_tokens');
  });

  it('response_format: text is none, json_object is json, json_schema flattened without $schema', () => {
    expect(map({ response_format: { type: 'text' } }).native).not.toHaveProperty('responseFormat');
    expect(map({ response_format: { type: 'json_object' } }).native.responseFormat).toEqual({
      type: 'json',
    });
    const schema = { type: 'object' };
    const dialect = { $schema: 'http://json-schema.org/draft-07/schema#', ...schema };
    const rf = { type: 'json_schema', json_schema: { name: 'n', schema: dialect, strict: true } };
    expect(map({ response_format: rf }).native.responseFormat).toEqual({
      type: 'json_schema',
      name: 'n',
      schema,
      strict: true,
    });
  });

  it('tools keep name, description, parameters (an empty object schema by default) and strict', () => {
    const { native } = map({
      tools: [
        {
          type: 'function',
          function: {
            name: 'f',
            strict: true,
            parameters: { $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object' },
          },
        },
        { type: 'function', function: { name: 'g', description: 'G' } },
      ],
    });
    expect(native.tools).toEqual([
      { type: 'function', function: { name: 'f', parameters: { type: 'object' }, strict: true } },
      {
        type: 'function',
        function: { name: 'g', description: 'G', parameters: { type: 'object', properties: {} } },
      },
    ]);
  });

  it('reasoning: effort, max_tokens, or OpenAI reasoning_effort', () => {
    expect(map({ reasoning: { effort: 'high' } }).native.reasoning).toEqual({ effort: 'high' });
    expect(map({ reasoning: { max_tokens: 99 } }).native.reasoning).toEqual({ maxTokens: 99 });
    const r = map({ reasoning_effort: 'low' });
    expect(r.native.reasoning).toEqual({ effort: 'low' });
    expect(r.params.reasoning).toBe('reasoning_effort');
  });

  it('stream and include_usage are read; fields not honoured are ignored', () => {
    const m = map({
      stream: true,
      stream_options: { include_usage: true },
      n: 1,
      presence_penalty: 1,
      frequency_penalty: 1,
      logit_bias: {},
      logprobs: true,
      parallel_tool_calls: false,
      user: 'end-user-1',
      store: true,
    });
    expect(m).toMatchObject({ stream: true, includeUsage: true });
    expect(Object.keys(m.native).sort()).toEqual(['input', 'level', 'purpose']);
    expect(map({}).stream).toBe(false);
  });
});
