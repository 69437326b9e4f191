import { HttpCallObserver } from './call-observer';

/** Spins until `ms` of monotonic time have passed (the timer reads performance.now()). */
const spin = (ms: number) => {
  const end = performance.now() + ms;
  while (performance.now() < end);
};

describe('HttpCallObserver (stage times)', () => {
  it('times each stage entered, in order, with the waits inside it', () => {
    const s = new HttpCallObserver();
    spin(2);
    s.waitFrom();
    spin(3);
    s.waitTo();
    s.enter('intent');
    s.appended({ waitMs: 1, workMs: 1 });
    spin(2);
    s.enter('upstream');
    spin(5);
    s.enter('outcome');
    s.appended(undefined);
    s.enter('respond');
    const t = s.finish();
    expect(t.map((x) => x.stage)).toEqual(['admit', 'intent', 'upstream', 'outcome', 'respond']);
    const [admit, intent, upstream, outcome] = t;
    expect(admit!.ms).toBeGreaterThanOrEqual(5);
    expect(admit!.waitMs).toBeGreaterThanOrEqual(3);
    expect(admit!.waitMs).toBeLessThanOrEqual(admit!.ms);
    expect(intent!.waitMs).toBe(1);
    expect(upstream!.ms).toBeGreaterThanOrEqual(5);
    expect(upstream!.waitMs).toBeUndefined();
    expect(outcome!.waitMs).toBeUndefined();
    expect(s.used).toBe(true);
  });

  it('never reports more waiting than the stage lasted', () => {
    const s = new HttpCallObserver();
    s.enter('intent');
    s.appended({ waitMs: 1e6, workMs: 0 });
    const [, intent] = s.finish();
    expect(intent!.waitMs).toBe(intent!.ms);
  });

  it('is unused until a use case marks it', () => {
    expect(new HttpCallObserver().used).toBe(false);
  });
});
