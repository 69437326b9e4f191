import { parseListCallsParams } from './list-calls';

describe('listing parameters', () => {
  it.each(['0x10', '1e1', ' 5', '5 ', '+5', '5.0', '0b11', '1_0'])(
    'limit=%j is a 400 naming limit: query numbers are plain decimal integers',
    (limit) => {
      expect(parseListCallsParams({ limit })).toMatchObject({
        code: 'invalid_request',
        field: 'limit',
      });
    },
  );

  it('takes a plain decimal limit, and the default when absent', () => {
    expect(parseListCallsParams({ limit: '16' })).toMatchObject({ limit: 16 });
    expect(parseListCallsParams({ limit: '007' })).toMatchObject({ limit: 7 });
    expect(parseListCallsParams({})).toMatchObject({ limit: 50 });
  });
});
