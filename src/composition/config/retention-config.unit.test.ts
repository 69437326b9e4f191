import { loadConfig } from './load';

const problems = (values: unknown) => {
  const r = loadConfig({ values, env: {} });
  return r.isErr() ? r.error.problems : [];
};

describe('retention configuration', () => {
  it('defaults to keeping everything, with a pass every hour', () => {
    const c = loadConfig({ values: undefined, env: {}, path: undefined })._unsafeUnwrap();
    expect(c.retention).toEqual({
      callsDays: 0,
      textDays: 0,
      archiveDir: '',
      runEveryMinutes: 60,
    });
  });

  it('reads every key', () => {
    const c = loadConfig({
      values: {
        retention: {
          calls_days: 90,
          text_days: 7,
          archive_dir: '/srv/archive',
          run_every_minutes: 15,
        },
      },
      env: {},
    })._unsafeUnwrap();
    expect(c.retention).toEqual({
      callsDays: 90,
      textDays: 7,
      archiveDir: '/srv/archive',
      runEveryMinutes: 15,
    });
  });

  it('names the key of a wrong or impossible value', () => {
    expect(problems({ retention: { calls_days: -1 } })).toEqual([
      'retention.calls_days must be an integer from 0 to 36500, got -1',
    ]);
    expect(problems({ retention: { calls_days: 1.5 } })[0]).toMatch(/^retention\.calls_days must/);
    expect(problems({ retention: { run_every_minutes: 0 } })[0]).toMatch(
      /^retention\.run_every_minutes must be an integer from 1 to 10080/,
    );
    expect(problems({ retention: { archive_dir: 3 } })).toEqual([
      'retention.archive_dir must be a string, got 3',
    ]);
    expect(problems({ retention: { keep: 3 } })[0]).toMatch(/retention\.keep/);
    expect(problems({ retention: { calls_days: 7, text_days: 30 } })[0]).toMatch(
      /retention\.text_days \(30\) must not exceed retention\.calls_days \(7\)/,
    );
  });
});
