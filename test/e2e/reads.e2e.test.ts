import {
  callsPageSchema,
  problemSchema,
  statusSchema,
  usageSchema,
} from '../../src/adapters/http/schemas';
import { useSeededServer } from './harness';

describe('status, usage, calls, probes, OpenAPI and metrics over HTTP', () => {
  const seeded = useSeededServer();
  const { json } = seeded;

  it('GET /api/inference/status: 200 with the contract shape and no part of the key', async () => {
    const { status, body, res } = await json('/api/inference/status');
    expect(status).toBe(200);
    const s = statusSchema.parse(body);
    expect(s).toMatchObject({ enabled: true, degradedReason: null, circuitBreaker: 'closed' });
    expect(s.openrouter.apiKeyConfigured).toBe(true);
    expect(s.cache).toMatchObject({ hits: 1 });
    expect(JSON.stringify(body)).not.toMatch(/sk-or|secret/);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  });

  it('GET /api/inference/usage: totals and breakdowns, filtered by level and project', async () => {
    const all = usageSchema.parse((await json('/api/inference/usage')).body);
    expect(all).toMatchObject({ totalCalls: 6, succeededCalls: 5, cachedCalls: 1 });
    expect(all.byLevel.turn?.calls).toBe(4);
    expect(all.byLevel.project?.calls).toBe(2);
    expect(all.savedByCacheUsd).toBeGreaterThan(0);
    const turn = usageSchema.parse((await json('/api/inference/usage?level=turn')).body);
    expect(turn.totalCalls).toBe(4);
    const other = usageSchema.parse((await json('/api/inference/usage?projectId=p2')).body);
    expect(other.totalCalls).toBe(0);
    const since = new Date(Date.now() + 3_600_000).toISOString();
    const later = usageSchema.parse((await json(`/api/inference/usage?since=${since}`)).body);
    expect(later.totalCalls).toBe(0);
  });

  it('GET /api/inference/usage: 400 naming a bad parameter', async () => {
    for (const [q, field] of [
      ['since=yesterday', 'since'],
      ['level=epic', 'level'],
      ['since=2026-02-01&until=2026-01-01', 'until'],
      ['level=turn&level=task', 'level'],
    ]) {
      const { status, body } = await json(`/api/inference/usage?${q}`);
      expect(status).toBe(400);
      expect(problemSchema.parse(body).detail.startsWith(`${field}:`)).toBe(true);
    }
  });

  it('GET /api/inference/calls: newest first, cursor paging that visits each record once', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const q: string = cursor ? `&before=${encodeURIComponent(cursor)}` : '';
      const page = callsPageSchema.parse((await json(`/api/inference/calls?limit=2${q}`)).body);
      expect(page.calls.length).toBeLessThanOrEqual(2);
      seen.push(...page.calls.map((c) => c.id));
      cursor = page.nextCursor;
      pages++;
    } while (cursor !== null && pages < 10);
    expect(new Set(seen).size).toBe(6);
    expect(seen).toHaveLength(6);
    const first = callsPageSchema.parse((await json('/api/inference/calls')).body).calls;
    const times = first.map((c) => c.createdAt);
    expect([...times].sort().reverse()).toEqual(times);
    const cached = callsPageSchema.parse((await json('/api/inference/calls?status=cached')).body);
    expect(cached.calls.map((c) => c.status)).toEqual(['cached']);
    expect(cached.calls[0]?.costUsd).toBe(0);
  });

  it('GET /api/inference/calls: 400 naming a bad parameter', async () => {
    for (const [q, field] of [
      ['limit=0', 'limit'],
      ['limit=abc', 'limit'],
      ['before=not-a-cursor', 'before'],
      ['status=odd', 'status'],
    ]) {
      const { status, body } = await json(`/api/inference/calls?${q}`);
      expect(status).toBe(400);
      expect(problemSchema.parse(body).detail.startsWith(`${field}:`)).toBe(true);
    }
  });

  it('a projectId filter with a NUL character is answered, not a 5xx (found by the fuzz)', async () => {
    // PostgreSQL text cannot hold U+0000; the store keeps it as U+FFFD, so a filter must too.
    for (const path of ['/api/inference/usage', '/api/inference/calls']) {
      const res = await seeded.server.fetch(`${path}?projectId=p%00`);
      expect(res.status).toBeLessThan(500);
    }
  });
});
