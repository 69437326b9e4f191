/**
 * JSON with object keys sorted at every depth and `undefined` members left out, so that two
 * values equal as data serialise equal whatever order their keys were written in.
 */
export const canonicalJson = (value: unknown): string => JSON.stringify(sorted(value));

const sorted = (v: unknown): unknown => {
  if (Array.isArray(v)) return v.map((x) => (x === undefined ? null : sorted(x)));
  if (typeof v !== 'object' || v === null) return v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v).sort()) {
    const x = (v as Record<string, unknown>)[k];
    if (x !== undefined) out[k] = sorted(x);
  }
  return out;
};

/** `text` parsed as JSON, or undefined when it is not JSON (never throws). */
export const parseJsonOrUndefined = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};
