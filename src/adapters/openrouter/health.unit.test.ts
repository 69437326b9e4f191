import { perMillion, pricesFrom, probeUpstream, type Get, type GetOutcome } from './health';

const reply = (status: number, message = String(status)): GetOutcome => ({
  status,
  text: '{}',
  message,
});
const down: GetOutcome = { status: undefined, message: 'ECONNREFUSED' };
const routes =
  (key: GetOutcome, models: GetOutcome): Get =>
  (path) =>
    Promise.resolve(path === '/key' ? key : models);
let t = 0;
const now = (): number => (t += 5);

describe('probeUpstream', () => {
  it('tells the cases apart', async () => {
    const cases: Array<[Get, boolean, boolean, boolean | null]> = [
      [routes(reply(200), reply(200)), true, true, true],
      [routes(reply(401, '401: User not found.'), reply(200)), true, true, false],
      [routes(reply(403), reply(200)), true, true, false],
      [routes(reply(404), reply(200)), true, true, null],
      [routes(reply(500), down), true, true, null],
      [routes(down, down), true, false, null],
      [routes(down, reply(200)), false, true, null],
      [routes(down, down), false, false, null],
    ];
    for (const [get, hasKey, reachable, authenticated] of cases) {
      expect(await probeUpstream(get, hasKey, now)).toMatchObject({ reachable, authenticated });
    }
  });

  it('reports latency and the time it started', async () => {
    const h = await probeUpstream(routes(reply(200), reply(200)), true, () => 1_000);
    expect(h).toEqual({
      reachable: true,
      authenticated: true,
      checkedAt: '1970-01-01T00:00:01.000Z',
      latencyMs: 0,
      error: null,
    });
  });
});

describe('published prices', () => {
  it('converts USD per token strings to USD per million tokens, exactly', () => {
    expect(perMillion('0.000003')).toBe(3);
    expect(perMillion('0.0000008')).toBe(0.8);
    expect(perMillion('0.00000015')).toBe(0.15);
    expect(perMillion('0')).toBe(0);
    expect(perMillion('-1')).toBeUndefined();
    expect(perMillion('n/a')).toBeUndefined();
    expect(perMillion(undefined)).toBeUndefined();
  });

  it('keeps models with both prices, drops the rest', () => {
    const text = JSON.stringify({
      data: [
        { id: 'a/b', pricing: { prompt: '0.000001', completion: '0.000005' } },
        { id: 'openrouter/auto', pricing: { prompt: '-1', completion: '-1' } },
        { id: 'c/d', pricing: { prompt: '0.000001' } },
        { pricing: { prompt: '0', completion: '0' } },
        null,
      ],
    });
    expect(pricesFrom(text)).toEqual({ 'a/b': { input: 1, output: 5 } });
    expect(pricesFrom('not json')).toEqual({});
    expect(pricesFrom('{"data":{}}')).toEqual({});
  });
});
