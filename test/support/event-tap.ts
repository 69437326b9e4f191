/**
 * Collects events a component reports and hands them out in order, by type: `next` resolves with
 * the first event of that type not yet handed out, whether it came before or after the call, so
 * a test never misses one emitted between two awaits.
 */
export class EventTap<E extends { readonly type: string }> {
  /** Every event, in order. */
  readonly all: E[] = [];
  private readonly taken = new Map<string, number>();
  private waiting: Array<{ type: string; resolve: (e: E) => void }> = [];

  /** The callback to give the component. */
  readonly push = (e: E): void => {
    this.all.push(e);
    const w = this.waiting.find((x) => x.type === e.type);
    if (!w) return;
    this.waiting = this.waiting.filter((x) => x !== w);
    this.take(e.type);
    w.resolve(e);
  };

  /** The next event of `type` not yet handed out. */
  next<T extends E['type']>(type: T): Promise<Extract<E, { type: T }>>;
  /** The same, or undefined (and nothing taken) if `stop` settles first. */
  next<T extends E['type']>(
    type: T,
    stop: PromiseLike<unknown>,
  ): Promise<Extract<E, { type: T }> | undefined>;
  next<T extends E['type']>(
    type: T,
    stop?: PromiseLike<unknown>,
  ): Promise<Extract<E, { type: T }> | undefined> {
    const seen = this.all.filter((e) => e.type === type);
    const i = this.taken.get(type) ?? 0;
    if (i < seen.length) {
      this.take(type);
      return Promise.resolve(seen[i] as Extract<E, { type: T }>);
    }
    return new Promise((resolve) => {
      const w = { type, resolve: (e: E) => resolve(e as Extract<E, { type: T }>) };
      this.waiting.push(w);
      const drop = (): void => {
        if (!this.waiting.includes(w)) return;
        this.waiting = this.waiting.filter((x) => x !== w);
        resolve(undefined);
      };
      stop?.then(drop, drop);
    });
  }

  /** How many events of `type` arrived. */
  count(type: E['type']): number {
    return this.all.filter((e) => e.type === type).length;
  }

  private take(type: string): void {
    this.taken.set(type, (this.taken.get(type) ?? 0) + 1);
  }
}
