import { z } from 'zod';

/** A piece of the OpenAPI document. */
export type Json = Record<string, unknown>;

/** A zod schema as the JSON Schema of what a client sends, without its `$schema` line. */
export const schema = (s: z.ZodType): Json => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(s, { io: 'input' }) as Json;
  return rest;
};

/** A reference to a schema of the document's components. */
export const ref = (name: string): Json => ({ $ref: `#/components/schemas/${name}` });
