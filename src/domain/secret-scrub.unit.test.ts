import fc from 'fast-check';
import { MIN_SECRET_RUN, REDACTED, scrubSecret, scrubSecrets } from './secret-scrub';

const KEY = 'sk-or-v1-9f8e7d6c5b4a39281706f5e4d3c2b1a0';

/** True when `text` holds any run of MIN_SECRET_RUN characters of `key`, in any case. */
const leaks = (text: string, key: string): boolean => {
  const t = text.toLowerCase();
  const k = key.toLowerCase();
  for (let i = 0; i + MIN_SECRET_RUN <= k.length; i++) {
    if (t.includes(k.slice(i, i + MIN_SECRET_RUN))) return true;
  }
  return false;
};

describe('scrubSecret', () => {
  it('removes the key whole, upper-cased, and any prefix, suffix or middle of 12+ characters', () => {
    expect(scrubSecret(`key ${KEY} bad`, KEY)).toBe(`key ${REDACTED} bad`);
    expect(scrubSecret(`KEY ${KEY.toUpperCase()}!`, KEY)).toBe(`KEY ${REDACTED}!`);
    expect(scrubSecret(`prefix ${KEY.slice(0, 24)}…`, KEY)).toBe(`prefix ${REDACTED}…`);
    expect(scrubSecret(`tail ${KEY.slice(-12)}`, KEY)).toBe(`tail ${REDACTED}`);
    expect(scrubSecret(`mid ${KEY.slice(7, 20).toUpperCase()} x`, KEY)).toBe(`mid ${REDACTED} x`);
  });

  it('leaves text alone that shares fewer than 12 consecutive characters with the key', () => {
    const near = `${KEY.slice(0, 11)} and ${KEY.slice(11, 22)}`;
    expect(scrubSecret(near, KEY)).toBe(near);
    expect(scrubSecret('', KEY)).toBe('');
    expect(scrubSecret('anything', '')).toBe('anything');
  });

  it('removes a key shorter than the run length when it appears whole, in any case', () => {
    expect(scrubSecret('token Short-Tok here', 'short-tok')).toBe(`token ${REDACTED} here`);
    expect(scrubSecrets('a short-tok b sk-or-v1-9f8e7d6c5b', ['short-tok', KEY])).toBe(
      `a ${REDACTED} b ${REDACTED}`,
    );
  });

  it('keeps non-ASCII text intact around a removed run', () => {
    expect(scrubSecret(`İé ${KEY.toUpperCase()} 😀`, KEY)).toBe(`İé ${REDACTED} 😀`);
  });

  it('property: any 12+ slice of the key, in any case, inside any text, never survives', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 60 }),
        fc.string({ maxLength: 60 }),
        fc.integer({ min: 0, max: KEY.length - MIN_SECRET_RUN }),
        fc.integer({ min: MIN_SECRET_RUN, max: KEY.length }),
        fc.boolean(),
        (before, after, start, len, upper) => {
          const slice = KEY.slice(start, Math.min(KEY.length, start + len));
          const echoed = upper ? slice.toUpperCase() : slice;
          const out = scrubSecret(`${before}${echoed}${after}`, KEY);
          expect(leaks(out, KEY)).toBe(false);
          expect(out).toContain(REDACTED);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
