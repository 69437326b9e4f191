import { inferenceRequestSchema, parseInferenceRequest } from '../../domain';
import { problemOf } from './problem';

const schema = inferenceRequestSchema(100);
const valid = { level: 'turn', purpose: 'summarise', input: 'hello' };
const check = (body: unknown) => {
  const r = parseInferenceRequest(schema, body);
  return r.isErr() ? problemOf(r.error) : undefined;
};

describe('request validation over HTTP (CONTRACT §1 field table)', () => {
  it('accepts a minimal and a full request', () => {
    expect(check(valid)).toBeUndefined();
    expect(
      check({
        ...valid,
        system: 'be brief',
        maxOutputTokens: 1,
        temperature: 2,
        projectId: 'p'.repeat(128),
        agentId: 'a',
        commandId: 'c',
        turnId: 't',
        cache: false,
      }),
    ).toBeUndefined();
  });

  it('refuses an unknown field, naming it', () => {
    expect(check({ ...valid, temprature: 0.2 })?.body.detail).toBe('temprature: unknown field');
  });

  it.each([
    ['level', { ...valid, level: 'epic' }],
    ['level', { purpose: 'x', input: 'y' }],
    ['purpose', { ...valid, purpose: '' }],
    ['purpose', { ...valid, purpose: 'p'.repeat(201) }],
    ['purpose', { ...valid, purpose: 7 }],
    ['input', { ...valid, input: '' }],
    ['input', { ...valid, input: 'i'.repeat(101) }],
    ['input', { level: 'turn', purpose: 'x' }],
    ['system', { ...valid, system: 1 }],
    ['maxOutputTokens', { ...valid, maxOutputTokens: 0 }],
    ['maxOutputTokens', { ...valid, maxOutputTokens: 1.5 }],
    ['maxOutputTokens', { ...valid, maxOutputTokens: '5' }],
    ['temperature', { ...valid, temperature: -0.1 }],
    ['temperature', { ...valid, temperature: 2.01 }],
    ['projectId', { ...valid, projectId: 'p'.repeat(129) }],
    ['agentId', { ...valid, agentId: 3 }],
    ['commandId', { ...valid, commandId: '' }],
    ['turnId', { ...valid, turnId: null }],
    ['cache', { ...valid, cache: 'no' }],
  ])('400 invalid_request naming %s', (field, body) => {
    const p = check(body);
    expect(p?.status).toBe(400);
    expect(p?.body.code).toBe('invalid_request');
    expect(p?.body.detail.startsWith(`${field}:`)).toBe(true);
  });

  it.each([[null], [[]], ['text'], [42]])('400 naming the body when it is %j', (body) => {
    const p = check(body);
    expect(p?.status).toBe(400);
    expect(p?.body.detail).toMatch(/body must be a JSON object/);
  });
});
