/** One request as the fake received it. */
export interface Received {
  readonly method: string;
  readonly path: string;
  /** Lower-cased header names, as Node parses them. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The parsed JSON body, the raw text when it is not JSON, or undefined for GETs. */
  readonly body: unknown;
}

/** What the fake received, in order, with a way to wait until a number of requests arrived. */
export class ReceivedLog {
  /** Every request, oldest first. */
  readonly all: Received[] = [];
  private waiters: Array<{ n: number; resolve: () => void }> = [];

  /** Records one request and wakes whoever waited for this many. */
  add(r: Received): void {
    this.all.push(r);
    if (this.waiters.length === 0) return;
    const n = this.all.length;
    const due = this.waiters.filter((w) => w.n <= n);
    this.waiters = this.waiters.filter((w) => w.n > n);
    for (const w of due) w.resolve();
  }

  /** Resolves once `n` requests in all have arrived. */
  count(n: number): Promise<void> {
    if (this.all.length >= n) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ n, resolve }));
  }

  /** Forgets everything received (waiters keep waiting). */
  clear(): void {
    this.all.length = 0;
  }
}
