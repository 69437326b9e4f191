import type { z } from 'zod';
import { ref, schema, type Json } from './openapi-json';
import { inferenceRequestSchema } from '../../domain';
import { eventStream } from './openapi-event-stream';
import { openAiOpenApi } from './openai/openapi';
import { keysOpenApi } from './openapi-keys';
import { PROBLEMS, type ProblemCode } from './problem';
import {
  callsPageSchema,
  callsQuerySchema,
  inferenceResultSchema,
  problemSchema,
  statusSchema,
  usageQuerySchema,
  usageSchema,
} from './schemas';
import { usageSeriesQuerySchema, usageSeriesSchema } from './series-schemas';
import { streamDeltaSchema, streamStartSchema } from './stream-schemas';

const json = (name: string): Json => ({ 'application/json': { schema: ref(name) } });

/** Problem responses by status; codes that share a status share its description. */
const problems = (...codes: ProblemCode[]): Json => {
  const byStatus = new Map<string, string[]>();
  for (const c of codes) {
    const status = String(PROBLEMS[c].status);
    byStatus.set(status, [...(byStatus.get(status) ?? []), `${PROBLEMS[c].title} (\`${c}\`)`]);
  }
  return Object.fromEntries(
    [...byStatus].map(([status, titles]) => [
      status,
      {
        description: titles.join('; or '),
        content: { 'application/problem+json': { schema: ref('Problem') } },
      },
    ]),
  );
};

/** Query parameters from a zod object: one entry per key, with its JSON schema. */
const parameters = (s: z.ZodObject): Json[] => {
  const props = (schema(s).properties ?? {}) as Record<string, Json>;
  return Object.entries(props).map(([name, p]) => ({
    name,
    in: 'query',
    required: false,
    schema: p,
    ...(typeof p.description === 'string' ? { description: p.description } : {}),
  }));
};

/** The events of a streamed POST /api/inference (`stream: true`). */
const inferenceEvents = eventStream('A streamed call (`stream: true`).', [
  { event: 'start', data: ref('StreamStart'), description: 'The call, before its first delta' },
  {
    event: 'delta',
    data: ref('StreamDelta'),
    description: 'A piece of text and/or tool-call fragments (concatenate by `index`)',
  },
  {
    event: 'done',
    data: ref('InferenceResult'),
    description: 'The last event of a success, sent once the call is recorded',
  },
  {
    event: 'error',
    data: ref('Problem'),
    description:
      'The last event of a failure after the start (an upstream error mid-stream, invalid output, the service shutting down)',
  },
]);

const ok = (description: string, content?: Json): Json => ({
  '200': { description, ...(content ? { content } : {}) },
});

/**
 * The OpenAPI 3.1 document, generated from the zod schemas: the request schema is the one that
 * validates requests, so the document cannot drift from the validation.
 */
export const openApiDocument = (o: {
  maxInputChars: number;
  version: string;
  /** Present when the OpenAI-compatible routes are served. */
  models?: unknown;
}): Json => {
  const secured = { security: [{ bearer: [] }] };
  const openAi = o.models === undefined ? { paths: {}, schemas: {} } : openAiOpenApi();
  const keys = keysOpenApi({ problems, json, secured });
  return {
    openapi: '3.1.0',
    info: {
      title: 'Headspace Inference',
      version: o.version,
      description: 'LLM inference over OpenRouter with model selection by level.',
    },
    paths: {
      '/api/inference': {
        post: {
          summary: 'Run one inference',
          ...secured,
          requestBody: { required: true, content: json('InferenceRequest') },
          responses: {
            ...ok(
              'The answer; `cached` is true on a cache hit. With `stream: true`, server-sent ' +
                'events instead: `start`, then `delta`s, then `done` or `error` (errors before ' +
                'the first delta are problem responses with their status, as without `stream`)',
              { ...json('InferenceResult'), ...inferenceEvents },
            ),
            ...problems(
              'invalid_request',
              'unauthorized',
              'forbidden',
              'payload_too_large',
              'unsupported_media_type',
              'rate_limited',
              'budget_exceeded',
            ),
            ...problems('upstream_error', 'invalid_output', 'unavailable', 'upstream_timeout'),
          },
        },
      },
      '/api/inference/status': {
        get: {
          summary: 'Service status; always 200, degraded or not',
          ...secured,
          responses: { ...ok('Status', json('Status')), ...problems('unauthorized', 'forbidden') },
        },
      },
      '/api/inference/usage': {
        get: {
          summary: 'Usage from the aggregates',
          ...secured,
          parameters: parameters(usageQuerySchema),
          responses: {
            ...ok('Usage report', json('Usage')),
            ...problems('invalid_request', 'unauthorized', 'forbidden', 'unavailable'),
          },
        },
      },
      '/api/inference/usage/series': {
        get: {
          summary: 'Usage over time, per bucket, from the per-grain aggregates',
          ...secured,
          parameters: parameters(usageSeriesQuerySchema),
          responses: {
            ...ok('Usage series', json('UsageSeries')),
            ...problems('invalid_request', 'unauthorized', 'forbidden', 'unavailable'),
          },
        },
      },
      '/api/inference/calls': {
        get: {
          summary: 'Call records, newest first, cursor paging',
          ...secured,
          parameters: parameters(callsQuerySchema),
          responses: {
            ...ok('One page of call records', json('CallsPage')),
            ...problems('invalid_request', 'unauthorized', 'forbidden', 'unavailable'),
          },
        },
      },
      '/api/openapi.json': {
        get: { summary: 'This document', ...secured, responses: ok('OpenAPI 3.1 document') },
      },
      '/dashboard': {
        get: {
          summary: "The operators' dashboard (HTML); it reads the API above with the bearer token",
          responses: ok('The page', { 'text/html': { schema: { type: 'string' } } }),
        },
      },
      '/dashboard/{file}': {
        get: {
          summary: "The dashboard's script, styles and uPlot, served from the installed package",
          parameters: [{ name: 'file', in: 'path', required: true, schema: { type: 'string' } }],
          responses: { ...ok('The file'), '404': { description: 'No such file' } },
        },
      },
      '/healthz': {
        get: { summary: 'Liveness: 200 while the process runs', responses: ok('Alive') },
      },
      '/readyz': {
        get: {
          summary: 'Readiness: the database answers and migrations are applied',
          responses: { ...ok('Ready'), ...problems('unavailable') },
        },
      },
      '/metrics': {
        get: {
          summary: 'Prometheus metrics (open when server.metrics_public is true)',
          ...secured,
          responses: ok('Exposition format', { 'text/plain': { schema: { type: 'string' } } }),
        },
      },
      ...openAi.paths,
      ...keys.paths,
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: {
        InferenceRequest: schema(inferenceRequestSchema(o.maxInputChars)),
        InferenceResult: schema(inferenceResultSchema),
        StreamStart: schema(streamStartSchema),
        StreamDelta: schema(streamDeltaSchema),
        Problem: schema(problemSchema),
        Status: schema(statusSchema),
        Usage: schema(usageSchema),
        UsageSeries: schema(usageSeriesSchema),
        CallsPage: schema(callsPageSchema),
        ...openAi.schemas,
        ...keys.schemas,
      },
    },
  };
};
