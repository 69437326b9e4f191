import { schema, type Json } from './openapi-json';
import type { ProblemCode } from './problem';
import {
  issuedKeySchema,
  keyListSchema,
  keyRotationSchema,
  keySpecSchema,
  keyViewSchema,
  rotatedKeySchema,
} from './key-schemas';

/** What the key paths borrow from the main document: its problem and content helpers. */
interface Helpers {
  readonly problems: (...codes: ProblemCode[]) => Json;
  readonly json: (name: string) => Json;
  readonly secured: Json;
}

const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string' } };

/** The consumer key routes (scope `admin`) and their schemas, for the OpenAPI document. */
export const keysOpenApi = ({
  problems,
  json,
  secured,
}: Helpers): { paths: Json; schemas: Json } => {
  const denied = problems('unauthorized', 'forbidden');
  return {
    paths: {
      '/api/keys': {
        post: {
          summary: 'Issue a consumer key (scope admin); the key is in this answer only',
          ...secured,
          requestBody: { required: true, content: json('KeySpec') },
          responses: {
            '201': { description: 'The key, shown once', content: json('IssuedKey') },
            ...problems('invalid_request', 'unauthorized', 'forbidden', 'payload_too_large'),
            ...problems('unavailable'),
          },
        },
        get: {
          summary: 'Every consumer key, revoked ones included, without secrets (scope admin)',
          ...secured,
          responses: {
            '200': { description: 'The keys', content: json('KeyList') },
            ...denied,
            ...problems('unavailable'),
          },
        },
      },
      '/api/keys/{id}': {
        get: {
          summary: 'One consumer key, without its secret (scope admin)',
          ...secured,
          parameters: [idParam],
          responses: {
            '200': { description: 'The key', content: json('KeyView') },
            ...denied,
            ...problems('not_found', 'unavailable'),
          },
        },
        delete: {
          summary: 'Revoke a key: refused on every instance within a second (scope admin)',
          ...secured,
          parameters: [idParam],
          responses: {
            '204': { description: 'Revoked (revoking again changes nothing)' },
            ...denied,
            ...problems('not_found', 'unavailable'),
          },
        },
      },
      '/api/keys/{id}/rotate': {
        post: {
          summary:
            'A new secret for a key; the old one works until previousValidUntil (scope admin)',
          ...secured,
          parameters: [idParam],
          requestBody: { required: false, content: json('KeyRotation') },
          responses: {
            '201': { description: 'The new key, shown once', content: json('RotatedKey') },
            ...problems('invalid_request', 'unauthorized', 'forbidden', 'not_found', 'conflict'),
            ...problems('unavailable'),
          },
        },
      },
    },
    schemas: {
      KeySpec: schema(keySpecSchema),
      KeyRotation: schema(keyRotationSchema),
      IssuedKey: schema(issuedKeySchema),
      KeyView: schema(keyViewSchema),
      KeyList: schema(keyListSchema),
      RotatedKey: schema(rotatedKeySchema),
    },
  };
};
