import type { TimeoutPolicy } from 'cockatiel';
import { parseJsonOrUndefined, type Price, type PriceTable } from '../../domain';
import type { HealthReport } from '../../ports';
import { networkReason } from './failure';
import type { HttpFetch } from './node-http-fetch';
import { upstreamError } from './wire';

/** The outcome of one GET to OpenRouter: a reply (any status) or why there was none. */
export type GetOutcome =
  | { readonly status: number; readonly text: string; readonly message: string }
  | { readonly status: undefined; readonly message: string };

/** The paths a Get may ask for. */
export type GetPath = '/key' | '/models' | `/generation?id=${string}`;

/** Sends one GET with a timeout (and the caller's signal, if any); never rejects. */
export type Get = (path: GetPath, withKey: boolean, signal?: AbortSignal) => Promise<GetOutcome>;

/** What a Get needs: where, who, how long to wait, and how to clean text of the key. */
export interface GetDeps {
  readonly fetch: HttpFetch;
  readonly baseUrl: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly timeout: TimeoutPolicy;
  readonly timeoutMs: number;
  readonly clean: (text: string) => string;
}

/** A Get over HTTP: GETs carry the attribution headers, and the key only when asked to. */
export const httpGet =
  (d: GetDeps): Get =>
  (path, withKey, caller) => {
    const { Authorization, 'Content-Type': _json, ...attribution } = d.headers;
    const headers = withKey && Authorization ? { ...attribution, Authorization } : attribution;
    return d.timeout.execute(async ({ signal }): Promise<GetOutcome> => {
      try {
        const res = await d.fetch(`${d.baseUrl}${path}`, { headers, signal });
        const text = await res.text();
        const said = res.ok ? undefined : upstreamError(parseJsonOrUndefined(text))?.message;
        return {
          status: res.status,
          text,
          message: d.clean(`${res.status}${said ? `: ${said}` : ''}`),
        };
      } catch (e) {
        const why = signal.aborted ? `no answer within ${d.timeoutMs} ms` : networkReason(e);
        return { status: undefined, message: d.clean(why) };
      }
    }, caller);
  };

const ok = (o: GetOutcome): boolean => o.status !== undefined && o.status >= 200 && o.status < 300;
const said = (path: string, o: GetOutcome): string =>
  o.status === undefined ? `GET ${path} failed: ${o.message}` : `GET ${path} answered ${o.message}`;

/**
 * The health check (FR23). With a key: GET /key tells reachable and authenticated apart (401/403:
 * the key is refused); any other answer falls back to GET /models, which proves reachability but
 * not the key. Without a key only reachability is checked and `authenticated` stays null.
 */
export const probeUpstream = async (
  get: Get,
  hasKey: boolean,
  now: () => number,
): Promise<HealthReport> => {
  const started = now();
  const report = (reachable: boolean, authenticated: boolean | null, error: string | null) => ({
    reachable,
    authenticated,
    checkedAt: new Date(started).toISOString(),
    latencyMs: Math.max(0, now() - started),
    error,
  });
  if (!hasKey) {
    const models = await get('/models', false);
    const why = ok(models) ? '' : `; ${said('/models', models)}`;
    return report(
      models.status !== undefined,
      null,
      `no API key configured: authentication not checked${why}`,
    );
  }
  const key = await get('/key', true);
  if (ok(key)) return report(true, true, null);
  if (key.status === 401 || key.status === 403) {
    return report(true, false, `the API key was refused: ${said('/key', key)}`);
  }
  const models = await get('/models', true);
  if (ok(models))
    return report(
      true,
      null,
      `${said('/key', key)}; GET /models answered, so the key is unverified`,
    );
  const reachable = key.status !== undefined || models.status !== undefined;
  return report(reachable, null, `${said('/key', key)}; ${said('/models', models)}`);
};

/** USD per token, as OpenRouter's decimal strings, to USD per million tokens (exact to 1e-6). */
export const perMillion = (perToken: unknown): number | undefined => {
  const n = typeof perToken === 'string' || typeof perToken === 'number' ? Number(perToken) : NaN;
  // Negative prices ("-1") mark routers whose price depends on the model they pick.
  if (!Number.isFinite(n) || n < 0) return undefined;
  return Math.round(n * 1e12) / 1e6;
};

/** The price table in a GET /models reply; models without usable prices are left out. */
export const pricesFrom = (text: string): PriceTable => {
  const data = (parseJsonOrUndefined(text) as { data?: unknown } | null | undefined)?.data;
  if (!Array.isArray(data)) return {};
  const table: Record<string, Price> = {};
  for (const m of data as Array<{
    id?: unknown;
    pricing?: {
      prompt?: unknown;
      completion?: unknown;
      input_cache_read?: unknown;
      input_cache_write?: unknown;
    };
    top_provider?: { max_completion_tokens?: unknown };
  }>) {
    const input = perMillion(m?.pricing?.prompt);
    const output = perMillion(m?.pricing?.completion);
    if (typeof m?.id === 'string' && input !== undefined && output !== undefined) {
      const cacheRead = perMillion(m.pricing?.input_cache_read);
      const cacheWrite = perMillion(m.pricing?.input_cache_write);
      const max = m.top_provider?.max_completion_tokens;
      table[m.id] = {
        input,
        output,
        ...(cacheRead === undefined ? {} : { cacheRead }),
        ...(cacheWrite === undefined ? {} : { cacheWrite }),
        // Budgets reserve up to this many output tokens when a request sets no maximum.
        ...(Number.isInteger(max) && (max as number) > 0
          ? { maxCompletionTokens: max as number }
          : {}),
      };
    }
  }
  return table;
};
