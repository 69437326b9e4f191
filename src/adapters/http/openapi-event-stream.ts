import type { Json } from './openapi-json';

/** One kind of event in a stream: its `event:` name (none for unnamed) and its `data:`. */
export interface StreamEventDoc {
  readonly event?: string;
  /** The JSON the `data:` line carries, as a schema; or the literal text it is. */
  readonly data: Json | { readonly literal: string };
  readonly description: string;
}

const dataOf = (d: StreamEventDoc['data']): Json =>
  'literal' in d
    ? { type: 'string', const: d.literal }
    : { type: 'string', contentMediaType: 'application/json', contentSchema: d };

/**
 * A `text/event-stream` media type object. Each event is modelled as OpenAPI 3.2 models
 * server-sent events (an object of its fields, `data` a string of JSON described by
 * `contentSchema`); in this 3.1 document `schema` describes one event of the stream.
 */
export const eventStream = (description: string, events: readonly StreamEventDoc[]): Json => ({
  'text/event-stream': {
    schema: {
      description: `${description} Each item below is one event of the stream; comment lines (\`: keep-alive\`) may come between them.`,
      oneOf: events.map((e) => ({
        type: 'object',
        description: e.description,
        required: e.event === undefined ? ['data'] : ['event', 'data'],
        properties: {
          ...(e.event === undefined ? {} : { event: { const: e.event } }),
          data: dataOf(e.data),
        },
      })),
    },
  },
});
