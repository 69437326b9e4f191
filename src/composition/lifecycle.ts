/**
 * Start-up and shutdown hooks registered by adapters as they are built. Closing runs the hooks
 * in reverse order of registration, so the call log flushes before the database stops.
 */
export class Lifecycle {
  private readonly closers: Array<{ name: string; close: () => Promise<void> | void }> = [];

  /** Registers something to close on shutdown. */
  onClose(name: string, close: () => Promise<void> | void): void {
    this.closers.push({ name, close });
  }

  /** Closes everything, last registered first; reports failures and carries on. */
  async close(report: (name: string, e: unknown) => void = () => undefined): Promise<void> {
    while (this.closers.length > 0) {
      const c = this.closers.pop()!;
      try {
        await c.close();
      } catch (e) {
        report(c.name, e);
      }
    }
  }
}
