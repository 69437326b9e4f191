import { formatProgress } from '../../src/composition/progress-bar';

describe('formatProgress', () => {
  it('shows the share done, the rate and the time left', () => {
    expect(formatProgress({ done: 250_000, total: 1_000_000, elapsedMs: 10_000 }, 10)).toBe(
      '[###.......]  25%  250,000/1,000,000 events  25,000 events/s  ETA 30s',
    );
    expect(formatProgress({ done: 1000, total: 181_000, elapsedMs: 1000 }, 4)).toBe(
      '[....]   0%  1,000/181,000 events  1,000 events/s  ETA 3m00s',
    );
  });

  it('is complete for an empty log and unknown before any progress', () => {
    expect(formatProgress({ done: 0, total: 0, elapsedMs: 5 }, 4)).toBe(
      '[####] 100%  0/0 events  0 events/s  ETA 0s',
    );
    expect(formatProgress({ done: 0, total: 10, elapsedMs: 0 }, 4)).toMatch(/ETA \?$/);
  });
});
