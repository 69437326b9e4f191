import type { Clock } from '../../src/ports';

/** What a test driver does to let time pass for the clock under test. */
export interface ClockDriver {
  readonly clock: Clock;
  advance(ms: number): Promise<void> | void;
}

/** The Clock port's contract: time never runs backwards; timers run once, in order, unless cancelled. */
export const clockContract = (name: string, make: () => ClockDriver): void => {
  describe(`Clock contract: ${name}`, () => {
    it('never runs backwards', async () => {
      const d = make();
      const a = d.clock.now();
      await d.advance(5);
      expect(d.clock.now()).toBeGreaterThanOrEqual(a + 5);
    });

    it('runs a scheduled function once, after its delay, in order of due time', async () => {
      const d = make();
      const ran: string[] = [];
      d.clock.schedule(20, () => ran.push('b'));
      d.clock.schedule(10, () => ran.push('a'));
      await d.advance(9);
      expect(ran).toEqual([]);
      await d.advance(1);
      expect(ran).toEqual(['a']);
      await d.advance(100);
      expect(ran).toEqual(['a', 'b']);
    });

    it('does not run a cancelled function', async () => {
      const d = make();
      let ran = false;
      const cancel = d.clock.schedule(10, () => (ran = true));
      cancel();
      await d.advance(50);
      expect(ran).toBe(false);
    });
  });
};
