import { InMemoryGateway } from '../../src/adapters/in-memory';
import { request, startTestServer, type TestServer } from './harness';

const TOKEN = 'series-e2e-token-abcdef';
const auth = { authorization: `Bearer ${TOKEN}` };

describe('GET /api/inference/usage/series and /dashboard over HTTP', () => {
  let server: TestServer;
  const get = async (path: string, headers: Record<string, string> = auth) => {
    const res = await server.fetch(path, { headers });
    return {
      status: res.status,
      type: res.headers.get('content-type'),
      body: (await res.json()) as any,
    };
  };

  beforeAll(async () => {
    server = await startTestServer(
      { server: { auth_token: TOKEN }, openrouter: { api_key: 'sk-or-series-secret' } },
      { gateway: new InMemoryGateway() },
    );
    for (const [i, level] of ['turn', 'turn', 'project', 'objective'].entries()) {
      expect(
        (await server.infer(request(`series ${i}`, { level, projectId: 'p1' }), auth)).status,
      ).toBe(200);
    }
    expect((await server.infer(request('series 0', { projectId: 'p1' }), auth)).status).toBe(200);
  });
  afterAll(() => server.shutdown());

  it('answers the last day by hour, summing to /usage for the same window', async () => {
    const { status, body } = await get('/api/inference/usage/series');
    expect(status).toBe(200);
    expect(body.grain).toBe('hour');
    expect(body.series).toHaveLength(1);
    expect(body.series[0].points).toHaveLength(25);
    const usage = await get(`/api/inference/usage?${new URLSearchParams(body.window)}`);
    const points = body.series[0].points as Array<Record<string, number>>;
    const sum = (k: string) => points.reduce((a, p) => a + p[k]!, 0);
    expect(sum('calls')).toBe(5);
    expect(sum('calls')).toBe(usage.body.totalCalls);
    expect(sum('cachedCalls')).toBe(1);
    expect(sum('inputTokens')).toBe(usage.body.inputTokens);
    expect(Math.round(sum('costUsd') * 1e9)).toBe(Math.round(usage.body.costUsd * 1e9));
    expect(points.some((p) => p.meanLatencyMs !== null)).toBe(true);
  });

  it('groups and filters', async () => {
    const byLevel = await get('/api/inference/usage/series?groupBy=level&grain=day');
    expect(byLevel.body.series.map((s: { key: string }) => s.key)).toEqual([
      'objective',
      'project',
      'turn',
    ]);
    const status = await get('/api/inference/usage/series?groupBy=status&level=turn&projectId=p1');
    const calls = Object.fromEntries(
      status.body.series.map((s: { key: string; points: Array<{ calls: number }> }) => [
        s.key,
        s.points.reduce((a, p) => a + p.calls, 0),
      ]),
    );
    expect(calls).toEqual({
      succeeded: 2,
      failed: 0,
      cached: 1,
      rate_limited: 0,
      cancelled: 0,
      interrupted: 0,
    });
  });

  it.each([
    ['grain=fortnight', 'grain'],
    ['groupBy=agent', 'groupBy'],
    ['level=epic', 'level'],
    ['since=yesterday', 'since'],
    ['since=2026-03-02&until=2026-03-01', 'until'],
    ['since=2000-01-01&grain=minute', 'grain'],
    ['grain=day&grain=hour', 'grain'],
    ['granularity=day', 'granularity'],
  ])('refuses %s with a 400 naming %s', async (qs, field) => {
    const r = await get(`/api/inference/usage/series?${qs}`);
    expect(r.status).toBe(400);
    expect(r.type).toMatch(/^application\/problem\+json/);
    expect(r.body.code).toBe('invalid_request');
    expect(r.body.detail.startsWith(`${field}:`)).toBe(true);
  });

  it('needs the token for the series, but not for the dashboard files', async () => {
    expect((await get('/api/inference/usage/series', {})).status).toBe(401);
    for (const path of [
      '/dashboard',
      '/dashboard/main.js',
      '/dashboard/uplot.js',
      '/dashboard/uplot.css',
    ]) {
      const res = await server.fetch(path);
      expect([path, res.status]).toEqual([path, 200]);
      expect(res.headers.get('content-security-policy')).toContain("connect-src 'self'");
      expect(await res.text()).not.toContain(TOKEN);
    }
    expect((await server.fetch('/dashboard/index.html')).headers.get('content-type')).toMatch(
      /^text\/html/,
    );
    expect((await server.fetch('/dashboard/..%2Fpackage.json')).status).not.toBe(200);
    expect((await server.fetch('/dashboard/nothing.js')).status).toBe(404);
  });
});
