/** What a scrubbed secret is replaced with. */
export const REDACTED = '[redacted]';

/** The shortest run of a secret's characters that counts as a leak of it. */
export const MIN_SECRET_RUN = 12;

/** ASCII-only lower-casing: keeps every index where it was (toLowerCase may not). */
const fold = (s: string): string => s.replace(/[A-Z]/g, (c) => c.toLowerCase());

/**
 * `text` with `secret` removed: the whole secret in any case, and any run of
 * `MIN_SECRET_RUN` or more consecutive characters of it (an upstream may echo a prefix, a
 * suffix or an upper-cased copy). Each leaked stretch becomes `[redacted]`. A secret shorter
 * than the run length is removed when it appears whole.
 */
export const scrubSecret = (text: string, secret: string): string => {
  if (secret === '' || text === '') return text;
  const key = fold(secret);
  const hay = fold(text);
  const n = Math.min(MIN_SECRET_RUN, key.length);
  if (hay.length < n) return text;
  const grams = new Set<string>();
  for (let i = 0; i + n <= key.length; i++) grams.add(key.slice(i, i + n));
  const covered = new Uint8Array(hay.length);
  let any = false;
  for (let i = 0; i + n <= hay.length; i++) {
    if (grams.has(hay.slice(i, i + n))) {
      covered.fill(1, i, i + n);
      any = true;
    }
  }
  if (!any) return text;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    if (covered[i] === 0) out += text[i];
    else if (i === 0 || covered[i - 1] === 0) out += REDACTED;
  }
  return out;
};

/** `text` with each of `secrets` scrubbed (see scrubSecret). */
export const scrubSecrets = (text: string, secrets: readonly string[]): string =>
  secrets.reduce(scrubSecret, text);
