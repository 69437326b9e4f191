type Schema = Readonly<Record<string, unknown>>;

const isSchema = (v: unknown): v is Schema =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A small value that satisfies common JSON Schemas (`const`, `enum`, `type` with
 * `minimum`/`minLength`/`minItems`, required properties, `anyOf`/`oneOf` by their first branch),
 * so fakes can answer structured-output requests plausibly. Not a general generator: anything it
 * cannot read becomes null, which a test can script around.
 */
export const sampleOf = (schema: unknown, depth = 0): unknown => {
  if (!isSchema(schema) || depth > 8) return null;
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum)) return schema.enum[0] ?? null;
  const branch = (schema.anyOf ?? schema.oneOf) as unknown;
  if (Array.isArray(branch)) return sampleOf(branch[0], depth + 1);
  const type = Array.isArray(schema.type) ? (schema.type[0] as unknown) : schema.type;
  const min = (k: string, d: number): number => (typeof schema[k] === 'number' ? schema[k] : d);
  switch (type) {
    case 'object': {
      const props = isSchema(schema.properties) ? schema.properties : {};
      const required = Array.isArray(schema.required) ? (schema.required as string[]) : [];
      return Object.fromEntries(required.map((k) => [k, sampleOf(props[k], depth + 1)]));
    }
    case 'array':
      return Array.from({ length: min('minItems', 0) }, () => sampleOf(schema.items, depth + 1));
    case 'string':
      return 'x'.repeat(Math.max(1, min('minLength', 1)));
    case 'integer':
      return Math.ceil(min('minimum', 0));
    case 'number':
      return min('minimum', 0);
    case 'boolean':
      return true;
    default:
      return null;
  }
};
