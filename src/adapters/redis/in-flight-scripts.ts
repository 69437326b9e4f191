/** Script calls still running, so a flush can wait for every one sent (settles above all). */
export class InFlightScripts {
  private readonly running = new Set<Promise<unknown>>();

  /** Tracks `p` until it settles, and returns it. */
  track<T>(p: Promise<T>): Promise<T> {
    this.running.add(p);
    const done = (): void => void this.running.delete(p);
    p.then(done, done);
    return p;
  }

  /** Resolves once every tracked call, including those started meanwhile, has settled. */
  async drained(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }
}
