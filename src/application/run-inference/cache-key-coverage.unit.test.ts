import { InMemoryCache, ManualClock } from '../../adapters/in-memory';
import { inferenceRequestSchema, NOT_IN_CACHE_KEY } from '../../domain';
import { runInferenceOver } from '../../../test/support/run-inference-setup';

type Field = keyof ReturnType<typeof inferenceRequestSchema>['shape'];
type Variant = Record<string, unknown>;

const PROMPT = { level: 'turn', purpose: 'p', input: 'hello' };
const tool = (name: string) => ({ type: 'function', function: { name, parameters: {} } });

/**
 * Two versions of each request field. Typed over the schema's own keys: a field added to the
 * request does not compile here until someone decides whether it changes the answer.
 */
const VARIANTS: Record<Field, readonly [Variant, Variant]> = {
  level: [{ level: 'turn' }, { level: 'task' }],
  purpose: [{ purpose: 'a' }, { purpose: 'b' }],
  input: [{ input: 'hello' }, { input: 'hello!' }],
  messages: [
    { input: undefined, messages: [{ role: 'user', content: 'hi' }] },
    { input: undefined, messages: [{ role: 'user', content: 'hi!' }] },
  ],
  system: [{ system: 'a' }, { system: 'b' }],
  model: [{}, { model: 'm/heavy' }],
  maxOutputTokens: [{ maxOutputTokens: 10 }, { maxOutputTokens: 11 }],
  temperature: [{ temperature: 0 }, { temperature: 1 }],
  topP: [{ topP: 0.5 }, { topP: 1 }],
  stop: [{ stop: ['a'] }, { stop: ['b'] }],
  seed: [{ seed: 1 }, { seed: 2 }],
  responseFormat: [
    { responseFormat: { type: 'json' } },
    { responseFormat: { type: 'json_schema', schema: { type: 'object' } } },
  ],
  tools: [{ tools: [tool('a')] }, { tools: [tool('b')] }],
  toolChoice: [
    { tools: [tool('a')], toolChoice: 'auto' },
    { tools: [tool('a')], toolChoice: 'none' },
  ],
  reasoning: [{ reasoning: { effort: 'low' } }, { reasoning: { effort: 'high' } }],
  stream: [{}, { stream: false }],
  projectId: [{ projectId: 'a' }, { projectId: 'b' }],
  agentId: [{ agentId: 'a' }, { agentId: 'b' }],
  commandId: [{ commandId: 'a' }, { commandId: 'b' }],
  turnId: [{ turnId: 'a' }, { turnId: 'b' }],
  cache: [{}, { cache: true }],
};

const FIELDS = Object.keys(inferenceRequestSchema(1000).shape) as Field[];
/** Fields that reach the key through the conversation they stand for. */
const CONVERSATION: readonly string[] = ['input', 'system', 'messages'];
const KEYED = FIELDS.filter(
  (f) => CONVERSATION.includes(f) || !(NOT_IN_CACHE_KEY as readonly string[]).includes(f),
);
const UNKEYED = FIELDS.filter((f) => !KEYED.includes(f));

/** Upstream calls made by two requests in turn: 1 when the second hit the cache, else 2. */
const upstreamCalls = async (a: Variant, b: Variant): Promise<number> => {
  const t = runInferenceOver({ allowedModels: ['m/heavy'] });
  for (const v of [a, b]) {
    const r = await t.run({ ...PROMPT, ...v });
    if (r.isErr()) throw new Error(`${JSON.stringify(v)}: ${r.error.detail}`);
  }
  return t.gateway.received.length;
};

describe('the cache key covers every request field that changes the answer', () => {
  it('has two versions of every field of the request schema', () => {
    expect(Object.keys(VARIANTS).sort()).toEqual([...FIELDS].sort());
  });

  it('leaves out exactly purpose, level, associations, stream and cache', () => {
    expect(UNKEYED.sort()).toEqual(
      ['agentId', 'cache', 'commandId', 'level', 'projectId', 'purpose', 'stream', 'turnId'].sort(),
    );
  });

  it.each(KEYED)('%s changes the key', async (field) => {
    const [a, b] = VARIANTS[field];
    expect(await upstreamCalls(a, b)).toBe(2);
    expect(await upstreamCalls(a, a)).toBe(1);
  });

  it.each(UNKEYED)('%s does not change the key', async (field) => {
    const [a, b] = VARIANTS[field];
    expect(await upstreamCalls(a, b)).toBe(1);
  });

  it('a prompt and the same conversation written as messages share an entry', async () => {
    const messages = [
      { role: 'system', content: 'brief' },
      { role: 'user', content: 'hello' },
    ];
    expect(await upstreamCalls({ system: 'brief' }, { input: undefined, messages })).toBe(1);
  });

  it('fallbacks are keyed: the same request with other fallbacks misses', async () => {
    const clock = new ManualClock();
    const cache = new InMemoryCache(clock, { ttlSeconds: 60, maxEntries: 10 });
    const a = runInferenceOver({ fallbacks: { turn: ['m/fallback'] } }, undefined, {
      clock,
      cache,
    });
    const b = runInferenceOver({ fallbacks: {} }, undefined, { clock, cache });
    await a.run(PROMPT);
    expect((await b.run(PROMPT))._unsafeUnwrap().cached).toBe(false);
    expect((await a.run(PROMPT))._unsafeUnwrap().cached).toBe(true);
  });
});
