import { parseKeysArgs } from './keys-args';

describe('npm run keys arguments', () => {
  it('builds the same body the HTTP route takes', () => {
    expect(
      parseKeysArgs([
        'create',
        '--name',
        'module-a',
        '--scopes',
        'infer,read',
        '--calls-per-minute',
        '30',
        '--tokens-per-minute',
        '5000',
        '--budget',
        'day:5',
        '--budget',
        'month:50.5',
        '--levels',
        'turn,task',
        '--models',
        'a/b',
        '--expires',
        '2027-01-01T00:00:00Z',
        '--config',
        'c.yaml',
      ]),
    ).toEqual({
      cmd: 'create',
      body: {
        name: 'module-a',
        scopes: ['infer', 'read'],
        limits: { callsPerMinute: 30, tokensPerMinute: 5000 },
        budgets: [
          { period: 'day', limitUsd: 5 },
          { period: 'month', limitUsd: 50.5 },
        ],
        levels: ['turn', 'task'],
        models: ['a/b'],
        expiresAt: '2027-01-01T00:00:00Z',
      },
    });
  });

  it('parses list, revoke, rotate and help', () => {
    expect(parseKeysArgs(['list'])).toEqual({ cmd: 'list' });
    expect(parseKeysArgs(['revoke', 'abcdefghijkl'])).toEqual({
      cmd: 'revoke',
      id: 'abcdefghijkl',
    });
    expect(parseKeysArgs(['rotate', 'abcdefghijkl', '--overlap-seconds', '60'])).toEqual({
      cmd: 'rotate',
      id: 'abcdefghijkl',
      body: { overlapSeconds: 60 },
    });
    expect(parseKeysArgs([])).toEqual({ cmd: 'help' });
    expect(parseKeysArgs(['--help'])).toEqual({ cmd: 'help' });
    expect(parseKeysArgs(['create', '--help'])).toEqual({ cmd: 'help' });
  });

  it('names the flag at fault', () => {
    expect(() => parseKeysArgs(['create', '--name'])).toThrow(/^--name: needs a value/);
    expect(() => parseKeysArgs(['create', '--nmae', 'x'])).toThrow(/^--nmae: unknown option/);
    expect(() => parseKeysArgs(['create', '--budget', 'day'])).toThrow(/^--budget:/);
    expect(() => parseKeysArgs(['create', '--calls-per-minute', 'ten'])).toThrow(
      /^--calls-per-minute:/,
    );
    expect(() => parseKeysArgs(['revoke'])).toThrow(/^revoke: give the key's id/);
    expect(() => parseKeysArgs(['destroy'])).toThrow(/^destroy: unknown command/);
  });
});
