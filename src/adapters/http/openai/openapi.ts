import { ref, schema, type Json } from '../openapi-json';
import { eventStream } from '../openapi-event-stream';
import {
  chatCompletionChunkSchema,
  chatCompletionRequestSchema,
  chatCompletionSchema,
  modelListSchema,
  openAiErrorSchema,
} from './schemas';

const error = (description: string): Json => ({
  description,
  content: { 'application/json': { schema: ref('OpenAiError') } },
});

const ERRORS: Json = {
  '400': error(
    'Invalid request (`invalid_request`); `param` names the field; x-should-retry: false',
  ),
  '401': error('Wrong or missing API key (`unauthorized`); x-should-retry: false'),
  '403': error(
    'A consumer key without the `infer` scope, or a level or model outside its lists (`forbidden`); x-should-retry: false',
  ),
  '413': error('Body too large (`payload_too_large`); x-should-retry: false'),
  '415': error('A charset other than utf-8 (`unsupported_media_type`); x-should-retry: false'),
  '429': error('`rate_limited` (retry-after, retry-after-ms) or `budget_exceeded`'),
  '502': error('`upstream_error` or `invalid_output`'),
  '503': error('`unavailable` (retry-after, retry-after-ms when a wait is known)'),
  '504': error('`upstream_timeout`'),
};

const header = (description: string): Json => ({ description, schema: { type: 'string' } });

/** The OpenAPI paths and component schemas of `/v1/chat/completions` and `/v1/models`. */
export const openAiOpenApi = (): { paths: Json; schemas: Json } => {
  const secured = { security: [{ bearer: [] }] };
  return {
    paths: {
      '/v1/chat/completions': {
        post: {
          summary: 'OpenAI-compatible chat completion, on the same pipeline as /api/inference',
          description:
            'The API key is the service token. `model` is a level name or an allowed model. ' +
            'With `stream: true` the answer is `text/event-stream` of `data:` lines, each a ' +
            '`ChatCompletionChunk`, ended by `data: [DONE]`.',
          ...secured,
          requestBody: {
            required: true,
            content: { 'application/json': { schema: ref('ChatCompletionRequest') } },
          },
          responses: {
            '200': {
              description: 'The answer',
              headers: {
                'x-headspace-call-id': header('the call id'),
                'x-headspace-cached': header('`true` on a cache hit'),
                'x-headspace-cost-usd': header('the cost of the call in USD'),
              },
              content: {
                'application/json': { schema: ref('ChatCompletion') },
                ...eventStream('With `stream: true`: unnamed events, as OpenAI sends them.', [
                  {
                    data: ref('ChatCompletionChunk'),
                    description:
                      'The role chunk, then one per delta (text in `delta.content`, tool-call fragments in `delta.tool_calls`), the finish chunk, and with `stream_options.include_usage` a last chunk with `choices: []` and `usage`',
                  },
                  {
                    data: ref('OpenAiError'),
                    description: 'A failure after the start (OpenAI SDKs raise it)',
                  },
                  { data: { literal: '[DONE]' }, description: 'The end of the stream' },
                ]),
              },
            },
            ...ERRORS,
          },
        },
      },
      '/v1/models': {
        get: {
          summary: 'The four level names and every allowed model',
          ...secured,
          responses: {
            '200': {
              description: 'The models',
              content: { 'application/json': { schema: ref('ModelList') } },
            },
            '401': ERRORS['401'],
          },
        },
      },
    },
    schemas: {
      ChatCompletionRequest: schema(chatCompletionRequestSchema),
      ChatCompletion: schema(chatCompletionSchema),
      ChatCompletionChunk: schema(chatCompletionChunkSchema),
      ModelList: schema(modelListSchema),
      OpenAiError: schema(openAiErrorSchema),
    },
  };
};
