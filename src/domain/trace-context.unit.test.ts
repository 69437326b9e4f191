import { formatTraceparent, parseTraceparent } from './trace-context';

describe('traceparent', () => {
  const valid = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

  it('reads a valid header and writes it back the same', () => {
    const p = parseTraceparent(valid);
    expect(p).toEqual({
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      flags: 1,
    });
    expect(p && formatTraceparent(p)).toBe(valid);
  });

  it.each([
    undefined,
    '',
    'ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    '00-00000000000000000000000000000000-b7ad6b7169203331-01',
    '00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01',
    '00-0AF7651916CD43DD8448EB211C80319C-b7ad6b7169203331-01',
    `${valid}-extra`,
  ])('refuses %p', (h) => expect(parseTraceparent(h)).toBeUndefined());

  it('accepts what a later version appends', () => {
    expect(parseTraceparent(`01${valid.slice(2)}-later`)?.spanId).toBe('b7ad6b7169203331');
  });
});
