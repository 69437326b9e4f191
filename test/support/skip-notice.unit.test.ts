import { skipNoticeFor } from './skip-notice';

const skip = { kind: 'skip', reason: 'TEST_REDIS_URL is not set' } as const;

describe('the Redis skip notice', () => {
  it('is given whenever the run includes a project with Redis suites, e2e too', () => {
    for (const argv of [
      ['jest'],
      ['jest', '--selectProjects', 'e2e'],
      ['jest', '--selectProjects', 'int'],
      ['jest', '--selectProjects', 'unit', 'e2e', '--runInBand'],
    ]) {
      expect(skipNoticeFor(argv, skip)).toContain('Redis suites were skipped in this run');
    }
  });

  it('is not given for the unit project alone, nor when Redis is there', () => {
    expect(skipNoticeFor(['jest', '--selectProjects', 'unit'], skip)).toBeNull();
    expect(skipNoticeFor(['jest'], { kind: 'url', url: 'redis://127.0.0.1:6379' })).toBeNull();
  });
});
