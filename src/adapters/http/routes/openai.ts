import type { Router } from '@koa/router';
import type { HttpApi, HttpState } from '../context';
import { readJsonRequest } from '../json-request';
import { modelList, type ModelCatalog } from '../openai/catalog';
import { mapChatRequest } from '../openai/chat-request';
import { answerHeaders, chatCompletionOf } from '../openai/chat-response';
import { invalidParam, openAiErrorOf, openAiErrorOfInference } from '../openai/errors';
import { answerStream } from '../openai/chat-stream';
import { sendOpenAiError } from '../openai/frame';

const unixSeconds = (): number => Math.floor(Date.now() / 1000);

/**
 * The OpenAI-compatible API: `POST /v1/chat/completions` mapped onto the same use case as
 * `POST /api/inference` (so limits, cache, budgets and the call record are the same), and
 * `GET /v1/models` listing the levels and the allowed models.
 */
export const openAiRoutes = (
  router: Router<HttpState>,
  api: HttpApi,
  catalog: ModelCatalog,
  maxBodyBytes: number,
  keepAliveMs?: number,
): void => {
  const started = unixSeconds();

  router.get('/v1/models', (ctx) => {
    ctx.body = modelList(catalog, started);
  });

  router.post('/v1/chat/completions', async (ctx) => {
    const body = await readJsonRequest(ctx, maxBodyBytes);
    if (body.isErr()) return sendOpenAiError(ctx, openAiErrorOf(body.error.body));
    const mapped = mapChatRequest(body.value, catalog);
    if (mapped.isErr()) {
      return sendOpenAiError(ctx, invalidParam(mapped.error.param, mapped.error.message));
    }
    const { native, params, stream, includeUsage } = mapped.value;
    if (stream) {
      const call = api.stream({ ...native, stream: true }, ctx.state.observer, ctx.state.consumer);
      return answerStream(ctx, call, { includeUsage, params, keepAliveMs });
    }
    const result = await api.infer(native, ctx.state.observer, ctx.state.consumer);
    if (result.isErr()) {
      return sendOpenAiError(ctx, openAiErrorOfInference(result.error, params));
    }
    ctx.set(answerHeaders(result.value));
    ctx.body = chatCompletionOf(result.value, unixSeconds());
  });
};
