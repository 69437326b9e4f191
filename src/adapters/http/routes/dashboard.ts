import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import type { Router } from '@koa/router';
import type { HttpContext, HttpState } from '../context';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** Everything the page may load comes from this service; it talks only to this service. */
const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
  "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** The page's own folder: `dashboard/` at the package root, found from here in src/ or dist/. */
export const dashboardDir = (from = __dirname): string => {
  for (let dir = from, i = 0; i < 8; i++, dir = dirname(dir)) {
    if (existsSync(join(dir, 'dashboard', 'index.html'))) return join(dir, 'dashboard');
  }
  throw new Error(`dashboard: no dashboard/index.html above ${from}`);
};

/** One static file held in memory: it is small and read once at start. */
interface Asset {
  readonly body: Buffer;
  readonly type: string;
}

/** The page's files plus uPlot's, from the installed package (no CDN, no build step). */
export const dashboardAssets = (dir = dashboardDir()): Map<string, Asset> => {
  const assets = new Map<string, Asset>();
  const add = (name: string, path: string) =>
    assets.set(name, { body: readFileSync(path), type: TYPES[extname(name)] ?? 'text/plain' });
  for (const f of readdirSync(dir)) if (TYPES[extname(f)]) add(f, join(dir, f));
  const uplot = join(dirname(require.resolve('uplot/package.json')), 'dist');
  add('uplot.js', join(uplot, 'uPlot.iife.min.js'));
  add('uplot.css', join(uplot, 'uPlot.min.css'));
  return assets;
};

const send = (ctx: HttpContext, a: Asset): void => {
  ctx.set('Content-Security-Policy', CSP);
  ctx.set('X-Content-Type-Options', 'nosniff');
  ctx.set('Referrer-Policy', 'no-referrer');
  ctx.set('Cache-Control', 'no-cache');
  ctx.type = a.type;
  ctx.body = a.body;
};

/**
 * GET /dashboard and its static files. They carry no data: the page asks the public API for
 * everything, with the bearer token when one is set, so these routes need none.
 */
export const dashboardRoutes = (router: Router<HttpState>, assets = dashboardAssets()): void => {
  const page = assets.get('index.html');
  if (!page) throw new Error('dashboard: index.html missing');
  router.get('/dashboard', (ctx) => send(ctx, page));
  router.get('/dashboard/:file', (ctx, next) => {
    // Only the files listed at start: a name is looked up, never joined onto a path.
    const a = assets.get(ctx.params.file ?? '');
    return a ? send(ctx, a) : next();
  });
};
