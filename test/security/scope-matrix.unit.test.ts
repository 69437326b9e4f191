import type { Server } from 'node:http';
import { createInferenceService, type InferenceService } from '../../src';
import { InMemoryGateway, ManualClock } from '../../src/adapters/in-memory';
import { isOpenRoute, OPEN_ROUTES, type createHttpApp } from '../../src/adapters/http';
import { ROUTE_SCOPES, scopeOf } from '../../src/adapters/http/route-scopes';
import { INVALID_CREDENTIAL } from '../../src/adapters/http/auth-gate';
import type { Scope } from '../../src/domain';
import { serveWithKeys } from '../support/keyed-http';

const TOKEN = 'bootstrap-token-for-the-scope-matrix';

/** Every credential the matrix tries. */
type Who =
  'no key' | 'infer' | 'read' | 'admin' | 'revoked' | 'expired' | 'rotated-out' | 'bootstrap token';
const WHO: readonly Who[] = [
  'no key',
  'infer',
  'read',
  'admin',
  'revoked',
  'expired',
  'rotated-out',
  'bootstrap token',
];

/** A request path for a route pattern: parameters filled with values no key or file has. */
const concrete = (pattern: string): string =>
  pattern.replace(':id', 'zzzzzzzzzzzz').replace(':file', 'main.js');

describe('scope matrix: every route of the route table × every kind of credential', () => {
  const clock = new ManualClock(Date.parse('2026-12-08T00:00:00Z'));
  let svc: InferenceService;
  let server: Server;
  let base: string;
  let router: ReturnType<typeof createHttpApp>['router'];
  const bearer = new Map<Who, string | undefined>();

  beforeAll(async () => {
    svc = await createInferenceService({
      config: { server: { auth_token: TOKEN }, openrouter: { api_key: 'sk-or-matrix' } },
      env: {},
      memory: true,
      gateway: new InMemoryGateway(),
      background: false,
      clock,
    });
    const key = async (scopes: Scope[], extra: Record<string, unknown> = {}) =>
      (await svc.keys.issue({ name: scopes.join('+') || 'x', scopes, ...extra }))._unsafeUnwrap()
        .key;
    bearer.set('no key', undefined);
    bearer.set('bootstrap token', TOKEN);
    for (const s of ['infer', 'read', 'admin'] as const) bearer.set(s, await key([s]));
    const all: Scope[] = ['infer', 'read', 'admin'];
    const revoked = await key(all);
    (await svc.keys.revoke(revoked.slice(4, 16)))._unsafeUnwrap();
    bearer.set('revoked', revoked);
    const expiring = await key(all, { expiresAt: new Date(clock.now() + 60_000).toISOString() });
    bearer.set('expired', expiring);
    const rotated = await key(all);
    (await svc.keys.rotate(rotated.slice(4, 16), { overlapSeconds: 30 }))._unsafeUnwrap();
    bearer.set('rotated-out', rotated);
    // Past the expiry and the rotation's overlap.
    clock.advance(61_000);
    const served = await serveWithKeys(svc, TOKEN);
    router = served.http.router;
    server = served.server;
    base = served.base;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    await svc.close();
  });

  /** Every (method, pattern) the router serves, HEAD aside (it is judged as GET). */
  const routes = () =>
    router.stack.flatMap((l) =>
      l.methods.filter((m) => m !== 'HEAD').map((m) => ({ method: m, pattern: String(l.path) })),
    );

  it('declares a scope for every route that is not open: a new route must say who may call it', () => {
    const undeclared = routes().filter(
      (r) =>
        !isOpenRoute(r.pattern, OPEN_ROUTES) &&
        ROUTE_SCOPES[`${r.method} ${r.pattern}`] === undefined,
    );
    expect(undeclared).toEqual([]);
    // And what is undeclared is admin: deny by default.
    expect(scopeOf('GET', '/api/some/new/route')).toBe('admin');
  });

  it('answers each credential on each route as its scope says', async () => {
    const seen: string[] = [];
    for (const { method, pattern } of routes()) {
      const open = isOpenRoute(pattern, OPEN_ROUTES);
      const needed = scopeOf(method, pattern);
      for (const who of WHO) {
        const token = bearer.get(who);
        const res = await fetch(`${base}${concrete(pattern)}`, {
          method,
          headers: {
            ...(token ? { authorization: `Bearer ${token}` } : {}),
            ...(method === 'POST' ? { 'content-type': 'application/json' } : {}),
          },
          ...(method === 'POST' ? { body: '{}' } : {}),
        });
        const body = await res.text();
        const cell = `${method} ${pattern} × ${who}: ${res.status}`;
        seen.push(cell);
        if (open) {
          expect([cell, res.status !== 401 && res.status !== 403]).toEqual([cell, true]);
          continue;
        }
        const expected =
          who === 'bootstrap token' || who === needed
            ? 'passes'
            : who === 'infer' || who === 'read' || who === 'admin'
              ? 403
              : 401;
        if (expected === 'passes') {
          expect([cell, res.status !== 401 && res.status !== 403]).toEqual([cell, true]);
        } else {
          expect(cell).toBe(`${method} ${pattern} × ${who}: ${expected}`);
          const detail = JSON.parse(body) as { error?: { message: string }; detail?: string };
          const text = detail.detail ?? detail.error?.message ?? '';
          if (expected === 403) expect(text).toContain(`"${needed}"`);
          // Unknown, revoked, expired and rotated-out keys are told one and the same thing.
          if (expected === 401 && who !== 'no key') expect(text).toBe(INVALID_CREDENTIAL);
        }
      }
    }
    expect(seen.length).toBeGreaterThanOrEqual(8 * 15);
  });
});
