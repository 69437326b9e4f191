/** A leaf rule: checks and converts one raw value, or says what it expected. */
export interface Rule<T> {
  /** The converted value, or undefined when the value is not acceptable. */
  parse(raw: unknown): T | undefined;
  /** Completes "<key> must be …". */
  readonly expects: string;
  /** Converts an environment variable's text before `parse`. */
  fromEnv?(text: string): unknown;
}

const num = (text: string): unknown => (text.trim() === '' ? text : Number(text));

/** An integer within bounds. */
export const int = (
  min: number,
  max = Number.MAX_SAFE_INTEGER,
  expects?: string,
): Rule<number> => ({
  parse: (v) =>
    typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max ? v : undefined,
  expects:
    expects ??
    (min === 1 && max === Number.MAX_SAFE_INTEGER
      ? 'a positive integer'
      : min === 0 && max === Number.MAX_SAFE_INTEGER
        ? 'a non-negative integer'
        : `an integer from ${min} to ${max}`),
  fromEnv: num,
});

/** A finite number of at least `min`. */
export const number = (min: number): Rule<number> => ({
  parse: (v) => (typeof v === 'number' && Number.isFinite(v) && v >= min ? v : undefined),
  expects: min === 0 ? 'a non-negative number' : `a number of at least ${min}`,
  fromEnv: num,
});

/** Any string (empty allowed). */
export const str: Rule<string> = {
  parse: (v) => (typeof v === 'string' ? v : undefined),
  expects: 'a string',
};

/** A non-empty string. */
export const nonEmpty: Rule<string> = {
  parse: (v) => (typeof v === 'string' && v.trim() !== '' ? v : undefined),
  expects: 'a non-empty string',
};

/** An http(s) URL without a trailing slash. */
export const httpUrl: Rule<string> = {
  parse: (v) => {
    if (typeof v !== 'string') return undefined;
    try {
      const u = new URL(v);
      return u.protocol === 'http:' || u.protocol === 'https:' ? v.replace(/\/+$/, '') : undefined;
    } catch {
      return undefined;
    }
  },
  expects: 'an http(s) URL',
};

/** Empty, or a URL with one of the given schemes. */
export const optionalUrl = (...schemes: string[]): Rule<string> => ({
  parse: (v) => {
    if (v === '') return '';
    if (typeof v !== 'string') return undefined;
    try {
      return schemes.includes(new URL(v).protocol) ? v : undefined;
    } catch {
      return undefined;
    }
  },
  expects: `empty or a ${schemes.map((s) => s.replace(':', '')).join('/')} URL`,
});

/** true or false. */
export const bool: Rule<boolean> = {
  parse: (v) => (typeof v === 'boolean' ? v : undefined),
  expects: 'true or false',
  fromEnv: (t) => (t === 'true' ? true : t === 'false' ? false : t),
};

/** Empty or a non-negative number; `null` when not given. */
export const optionalNumber: Rule<number | null> = {
  parse: (v) =>
    v === null ? null : typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined,
  expects: 'a non-negative number',
  fromEnv: num,
};

/** A list of non-empty strings. */
export const stringList: Rule<readonly string[]> = {
  parse: (v) =>
    Array.isArray(v) && v.every((s) => typeof s === 'string' && s.trim() !== '')
      ? (v as string[])
      : undefined,
  expects: 'a list of non-empty strings',
};
