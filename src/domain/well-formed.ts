/** A UTF-16 code unit that is half of a surrogate pair without its other half. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const LONE_SURROGATES = new RegExp(LONE_SURROGATE.source, 'g');

/** True when `s` is well-formed Unicode: no lone surrogate (PostgreSQL cannot store one). */
export const isWellFormed = (s: string): boolean => !LONE_SURROGATE.test(s);

/** `s` with every lone surrogate replaced by U+FFFD, for text that comes from elsewhere. */
export const toWellFormed = (s: string): string =>
  isWellFormed(s) ? s : s.replace(LONE_SURROGATES, '\uFFFD');

/** Deepest first path at most this deep; past it a value is judged as a whole. */
const MAX_DEPTH = 64;

/**
 * The dotted path of the first string (value or key) in `value` that is not well-formed, or
 * undefined when every one is. `''` is the value itself. Keys are reported as the path they
 * would have had, so the detail can name the field either way.
 */
export const illFormedPath = (value: unknown, path = '', depth = 0): string | undefined => {
  if (typeof value === 'string') return isWellFormed(value) ? undefined : path;
  if (typeof value !== 'object' || value === null || depth > MAX_DEPTH) return undefined;
  const join = (k: string) => (path === '' ? k : `${path}.${k}`);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = illFormedPath(value[i], join(String(i)), depth + 1);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  for (const [k, v] of Object.entries(value)) {
    if (!isWellFormed(k)) return join(toWellFormed(k));
    const found = illFormedPath(v, join(k), depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
};

/** `value` with `f` applied to every string in it (keys too); other values as they are. */
export const mapStringsDeep = <T>(value: T, f: (s: string) => string): T => {
  if (typeof value === 'string') return f(value) as T;
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((v: unknown) => mapStringsDeep(v, f)) as T;
  // fromEntries defines own properties, so a `__proto__` key stays a key.
  const entries = Object.entries(value).map(([k, v]) => [f(k), mapStringsDeep(v, f)]);
  return Object.fromEntries(entries) as T;
};

/** True when some string in `value` (a key too) is not well-formed; paths are not built. */
const anyIllFormed = (value: unknown, depth = 0): boolean => {
  if (typeof value === 'string') return !isWellFormed(value);
  if (typeof value !== 'object' || value === null) return false;
  // Deeper than this, copy rather than look further (mapStringsDeep repairs at any depth).
  if (depth > MAX_DEPTH) return true;
  if (Array.isArray(value)) return value.some((v: unknown) => anyIllFormed(v, depth + 1));
  for (const k in value) {
    if (!Object.hasOwn(value, k)) continue;
    if (!isWellFormed(k) || anyIllFormed((value as Record<string, unknown>)[k], depth + 1)) {
      return true;
    }
  }
  return false;
};

/**
 * `value` with every string in it (keys too) made well-formed; other values as they are. Every
 * event passes through here and almost none needs repair: such a value is returned as it is.
 */
export const wellFormedDeep = <T>(value: T): T =>
  anyIllFormed(value) ? mapStringsDeep(value, toWellFormed) : value;
