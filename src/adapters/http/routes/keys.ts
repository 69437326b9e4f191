import type { Router } from '@koa/router';
import { err } from 'neverthrow';
import type { KeyAdmin, KeyAdminError, KeyView } from '../../../application';
import { sendProblem, type HttpApi, type HttpContext, type HttpState } from '../context';
import { readJsonRequest } from '../json-request';
import { problem } from '../problem';

const fail = (ctx: HttpContext, e: KeyAdminError): void =>
  sendProblem(ctx, problem(e.code, e.detail));

const NONE: KeyAdminError = { code: 'not_found', detail: 'keys: this service keeps no keys' };
const none = () => Promise.resolve(err(NONE));
/** Key administration of an API without a key store: every route answers 404. */
const NO_KEYS: KeyAdmin = { issue: none, list: none, get: none, rotate: none, revoke: none };

/** A key as the API shows it: never a hash, never a secret. */
export const keyJson = (k: KeyView) => ({
  id: k.id,
  name: k.name,
  scopes: k.scopes,
  limits: k.limits,
  budgets: k.budgets,
  levels: k.levels,
  models: k.models,
  expiresAt: k.expiresAt,
  createdAt: k.createdAt,
  revokedAt: k.revokedAt,
  previousValidUntil: k.previousValidUntil,
  lastUsedAt: k.lastUsedAt,
});

/** True when the request carries no body at all (a rotation without options). */
const noBody = (ctx: HttpContext): boolean =>
  ctx.get('Content-Length') === '0' ||
  (ctx.get('Content-Length') === '' && ctx.get('Transfer-Encoding') === '');

/**
 * Consumer key administration (scope `admin`): issue (the key is in this answer only), list,
 * read, rotate with an overlap, revoke. Each change is an event in the log.
 */
export const keyRoutes = (router: Router<HttpState>, api: HttpApi, maxBodyBytes: number): void => {
  const admin: KeyAdmin = api.keys ?? NO_KEYS;

  router.post('/api/keys', async (ctx) => {
    const body = await readJsonRequest(ctx, maxBodyBytes);
    if (body.isErr()) return sendProblem(ctx, body.error);
    const r = await admin.issue(body.value);
    if (r.isErr()) return fail(ctx, r.error);
    const { view, key } = r.value;
    const { revokedAt: _r, lastUsedAt: _l, previousValidUntil: _p, ...shown } = keyJson(view);
    ctx.status = 201;
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { ...shown, key };
  });

  router.get('/api/keys', async (ctx) => {
    const r = await admin.list();
    if (r.isErr()) return fail(ctx, r.error);
    ctx.body = { keys: r.value.map(keyJson) };
  });

  router.get('/api/keys/:id', async (ctx) => {
    const r = await admin.get(ctx.params.id ?? '');
    if (r.isErr()) return fail(ctx, r.error);
    ctx.body = keyJson(r.value);
  });

  router.post('/api/keys/:id/rotate', async (ctx) => {
    let raw: unknown = {};
    if (!noBody(ctx)) {
      const body = await readJsonRequest(ctx, maxBodyBytes);
      if (body.isErr()) return sendProblem(ctx, body.error);
      raw = body.value;
    }
    const r = await admin.rotate(ctx.params.id ?? '', raw);
    if (r.isErr()) return fail(ctx, r.error);
    ctx.status = 201;
    ctx.set('Cache-Control', 'no-store');
    ctx.body = r.value;
  });

  router.delete('/api/keys/:id', async (ctx) => {
    const r = await admin.revoke(ctx.params.id ?? '');
    if (r.isErr()) return fail(ctx, r.error);
    ctx.status = 204;
  });
};
