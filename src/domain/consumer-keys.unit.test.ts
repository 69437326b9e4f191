import {
  evolveKey,
  keyHash,
  keyHashHex,
  keyIdOf,
  keyRefusal,
  newKeyId,
  newKeyToken,
  type KeyEvent,
} from './consumer-keys';
import { scrubConsumerKeys } from './secret-scrub';

const at = (iso: string) => Date.parse(iso);
const event = <T extends KeyEvent>(type: T['type'], data: T['data'], when: string) =>
  ({ type, data, eventId: `${type}-${when}`, occurredAt: when }) as T;

describe('consumer keys (domain)', () => {
  it('makes hsk_<id>_<secret>: 12 [a-z0-9], 32 base62, never the same twice', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const id = newKeyId();
      const token = newKeyToken(id);
      expect(token).toMatch(/^hsk_[a-z0-9]{12}_[A-Za-z0-9]{32}$/);
      expect(keyIdOf(token)).toBe(id);
      seen.add(token);
    }
    expect(seen.size).toBe(200);
    expect(keyIdOf('hsk_short_x')).toBeUndefined();
    expect(keyIdOf(`hsk_ABCDEFGHIJKL_${'a'.repeat(32)}`)).toBeUndefined();
  });

  it('issues, rotates and revokes by evolving one key; the secret never enters it', () => {
    const token = newKeyToken('abcdefghijkl');
    const spec = {
      name: 'n',
      scopes: ['infer'] as const,
      limits: {},
      budgets: [],
      levels: null,
      models: null,
      expiresAt: '2027-01-01T00:00:00.000Z',
    };
    let k = evolveKey(
      undefined,
      event(
        'KeyIssued',
        { ...spec, scopes: ['infer'], keyId: 'abcdefghijkl', hash: keyHashHex(token) },
        '2026-12-01T00:00:00.000Z',
      ),
    );
    expect(JSON.stringify(k)).not.toContain(token.slice(17));
    const now = at('2026-12-02T00:00:00Z');
    expect(keyRefusal(k!, keyHash(token), now)).toBeNull();
    expect(keyRefusal(k!, keyHash(`${token}x`), now)).toBe('unknown');
    expect(keyRefusal(k!, keyHash(token), at('2027-01-01T00:00:00Z'))).toBe('expired');

    const next = newKeyToken('abcdefghijkl');
    k = evolveKey(
      k,
      event(
        'KeyRotated',
        {
          keyId: 'abcdefghijkl',
          hash: keyHashHex(next),
          previousValidUntil: '2026-12-02T01:00:00.000Z',
        },
        '2026-12-02T00:00:00.000Z',
      ),
    );
    expect(keyRefusal(k!, keyHash(token), now)).toBeNull();
    expect(keyRefusal(k!, keyHash(next), now)).toBeNull();
    expect(keyRefusal(k!, keyHash(token), at('2026-12-02T01:00:00Z'))).toBe('rotated');
    expect(keyRefusal(k!, keyHash(next), at('2026-12-02T01:00:00Z'))).toBeNull();

    k = evolveKey(k, event('KeyRevoked', { keyId: 'abcdefghijkl' }, '2026-12-03T00:00:00.000Z'));
    expect(k!.revokedAt).toBe('2026-12-03T00:00:00.000Z');
    expect(keyRefusal(k!, keyHash(next), at('2026-12-03T00:00:01Z'))).toBe('revoked');
    // A second revocation keeps the first time; events for an unknown key change nothing.
    expect(
      evolveKey(k, event('KeyRevoked', { keyId: 'abcdefghijkl' }, '2026-12-04T00:00:00.000Z'))!
        .revokedAt,
    ).toBe('2026-12-03T00:00:00.000Z');
    expect(
      evolveKey(undefined, event('KeyRevoked', { keyId: 'x' }, '2026-12-04T00:00:00.000Z')),
    ).toBeUndefined();
  });

  it('scrubs the secret of any key from text, keeping its id', () => {
    const token = newKeyToken('abcdefghijkl');
    expect(scrubConsumerKeys(`purpose ${token} end`)).toBe(
      'purpose hsk_abcdefghijkl_[redacted] end',
    );
    expect(scrubConsumerKeys('nothing here')).toBe('nothing here');
  });
});
