/** What a scrubbed secret is replaced with. */
export const REDACTED = '[redacted]';

/** The shortest run of a secret's characters that counts as a leak of it. */
export const MIN_SECRET_RUN = 12;

const UPPER = /[A-Z]/;
const ASCII = /^[\x00-\x7F]*$/;

/** ASCII-only lower-casing: keeps every index where it was (toLowerCase may not, past ASCII). */
const fold = (s: string): string => {
  if (!UPPER.test(s)) return s;
  if (ASCII.test(s)) return s.toLowerCase();
  return s.replace(/[A-Z]/g, (c) => c.toLowerCase());
};

/** The runs of one secret that count as a leak, for the last secret asked (there is one key). */
let last: { secret: string; n: number; grams: readonly string[] } | undefined;
const runsOf = (secret: string) => {
  if (last?.secret !== secret) {
    const key = fold(secret);
    const n = Math.min(MIN_SECRET_RUN, key.length);
    const grams = new Set<string>();
    for (let i = 0; i + n <= key.length; i++) grams.add(key.slice(i, i + n));
    last = { secret, n, grams: [...grams] };
  }
  return last;
};

/**
 * `text` with `secret` removed: the whole secret in any case, and any run of
 * `MIN_SECRET_RUN` or more consecutive characters of it (an upstream may echo a prefix, a
 * suffix or an upper-cased copy). Each leaked stretch becomes `[redacted]`. A secret shorter
 * than the run length is removed when it appears whole. Every answer passes through here, so
 * it searches for each run of the secret (no substring per position of the text).
 */
export const scrubSecret = (text: string, secret: string): string => {
  if (secret === '' || text === '') return text;
  const { n, grams } = runsOf(secret);
  if (text.length < n) return text;
  const hay = fold(text);
  let covered: Uint8Array | undefined;
  for (const gram of grams) {
    for (let i = hay.indexOf(gram); i !== -1; i = hay.indexOf(gram, i + 1)) {
      (covered ??= new Uint8Array(hay.length)).fill(1, i, i + n);
    }
  }
  if (covered === undefined) return text;
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

const CONSUMER_KEY = /hsk_([a-z0-9]{12})_[A-Za-z0-9]{32}/g;

/**
 * `text` with the secret of every consumer key (`hsk_<id>_<secret>`) replaced, the id kept so
 * a log still tells which key it was.
 */
export const scrubConsumerKeys = (text: string): string =>
  text.includes('hsk_') ? text.replace(CONSUMER_KEY, `hsk_$1_${REDACTED}`) : text;
