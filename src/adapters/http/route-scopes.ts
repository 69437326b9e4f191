import { SCOPES, type Scope } from '../../domain';

/**
 * The scope each route needs, by method and route pattern as registered: the route table's
 * access column. A route missing here needs `admin` (deny by default); routes on the open list
 * (probes, the dashboard's files) need nothing. `HEAD` is judged as `GET`.
 */
export const ROUTE_SCOPES: Readonly<Record<string, Scope>> = {
  'POST /api/inference': 'infer',
  'POST /v1/chat/completions': 'infer',
  'GET /v1/models': 'infer',
  'GET /api/inference/status': 'read',
  'GET /api/inference/usage': 'read',
  'GET /api/inference/usage/series': 'read',
  'GET /api/inference/calls': 'read',
  'GET /metrics': 'read',
  'GET /api/openapi.json': 'read',
  'POST /api/keys': 'admin',
  'GET /api/keys': 'admin',
  'GET /api/keys/:id': 'admin',
  'POST /api/keys/:id/rotate': 'admin',
  'DELETE /api/keys/:id': 'admin',
};

/** The scope a request of `method` on the route `pattern` needs. */
export const scopeOf = (method: string, pattern: string): Scope =>
  ROUTE_SCOPES[`${method === 'HEAD' ? 'GET' : method} ${pattern}`] ?? 'admin';

/** Every scope: what the configured token (the bootstrap admin) holds. */
export const ALL_SCOPES: readonly Scope[] = SCOPES;
