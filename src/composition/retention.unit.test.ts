import { parseRetentionArgs } from './retention';

describe('npm run retention: its arguments', () => {
  it('takes --as-of, --dry-run, --config and --help', () => {
    expect(parseRetentionArgs([])).toEqual({ dryRun: false, help: false });
    expect(
      parseRetentionArgs(['--as-of', '2026-06-15T12:00:00Z', '--dry-run', '--config', 'c.yaml']),
    ).toEqual({ asOf: Date.UTC(2026, 5, 15, 12), dryRun: true, config: 'c.yaml', help: false });
    expect(parseRetentionArgs(['--help'])).toMatchObject({ help: true });
  });

  it('says what is wrong instead of guessing', () => {
    expect(parseRetentionArgs(['--as-of', 'yesterday'])).toBe(
      '--as-of must be an ISO-8601 time, got yesterday',
    );
    expect(parseRetentionArgs(['--as-of'])).toBe('--as-of needs a value');
    expect(parseRetentionArgs(['--keep', '3'])).toBe('unknown argument --keep');
  });
});
