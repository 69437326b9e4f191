import { ManualClock } from '../../src/adapters/in-memory';
import { SystemClock } from '../../src/adapters/system/system-clock';
import { clockContract } from './clock.contract';

clockContract('ManualClock', () => {
  const clock = new ManualClock();
  return { clock, advance: (ms) => clock.advance(ms) };
});

describe('with fake timers', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());
  clockContract('SystemClock', () => ({
    clock: new SystemClock(),
    advance: (ms) => void jest.advanceTimersByTime(ms),
  }));
});
