/**
 * Polls `f` every `everyMs` until it returns a value, or fails after `ms`. With `tolerant`, a
 * rejection counts as "not yet" (a service still starting, a database still away).
 */
export const waitFor = async <T>(
  f: () => Promise<T | undefined>,
  ms = 60_000,
  { everyMs = 250, tolerant = false }: { everyMs?: number; tolerant?: boolean } = {},
): Promise<T> => {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await (tolerant ? f().catch(() => undefined) : f());
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
};
