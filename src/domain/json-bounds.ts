/** Deepest a JSON Schema in a request may nest (objects and arrays, the schema itself is 1). */
export const MAX_SCHEMA_DEPTH = 64;

/** Most values (objects, arrays and scalars) the JSON Schemas of one request field may hold. */
export const MAX_SCHEMA_VALUES = 10_000;

/**
 * Why `value` is past the bounds, or undefined: walked with a stack of its own (no recursion),
 * so a value nested 100,000 deep is measured, not a stack overflow. `values` counts on from
 * `counted` (values already seen in the same field).
 */
export const jsonBoundsProblem = (
  value: unknown,
  counted = 0,
): { problem: string | undefined; values: number } => {
  const stack: Array<[unknown, number]> = [[value, 1]];
  let values = counted;
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (++values > MAX_SCHEMA_VALUES) {
      return { problem: `holds more than ${MAX_SCHEMA_VALUES} values`, values };
    }
    if (typeof v !== 'object' || v === null) continue;
    if (depth > MAX_SCHEMA_DEPTH) {
      return { problem: `nests deeper than ${MAX_SCHEMA_DEPTH} levels`, values };
    }
    for (const x of Array.isArray(v) ? v : Object.values(v)) stack.push([x, depth + 1]);
  }
  return { problem: undefined, values };
};
