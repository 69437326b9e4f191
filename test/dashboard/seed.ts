import { InMemoryGateway } from '../../src/adapters/in-memory';
import { inferenceError } from '../../src/domain';
import type { Clock } from '../../src/ports';
import { startTestServer, type TestServer } from '../e2e/harness';

/** Real time moved back by `back` ms; each reading also moves it on a little, so calls take time. */
export class ShiftedClock implements Clock {
  private back = 0;
  private ticked = 0;
  private reads = 0;
  /** Moves the clock to `ms` before real time. */
  setBack(ms: number): void {
    this.back = ms;
    this.ticked = 0;
  }
  now(): number {
    this.ticked += 20 + ((this.reads++ * 37) % 90);
    return Date.now() - this.back + this.ticked;
  }
  schedule(ms: number, fn: () => void): () => void {
    const t = setTimeout(fn, ms);
    return () => clearTimeout(t);
  }
}

const HOUR = 3_600_000;
const LEVELS = ['turn', 'task', 'project', 'objective'] as const;
const PROJECTS = ['p-alpha', 'p-beta', undefined];
/** The project whose one call failed. */
export const FAILING_PROJECT = 'p-failing';

/** A server with a token, seeded over HTTP with calls of every level, status and several days. */
export const startSeededServer = async (token: string): Promise<TestServer> => {
  const clock = new ShiftedClock();
  const gateway = new InMemoryGateway();
  const server = await startTestServer(
    {
      server: { auth_token: token },
      openrouter: { api_key: 'sk-or-dashboard-secret', rate_limits: { tokens_per_minute: 20_000 } },
    },
    { gateway, clock },
  );
  const auth = { authorization: `Bearer ${token}` };
  // Oldest first, so the clock only moves forward: 10 days back to now, every 3 hours.
  for (let i = 0, back = 240 * HOUR; back >= 0; i++, back -= 3 * HOUR) {
    clock.setBack(back);
    const level = LEVELS[i % 4]!;
    const projectId = PROJECTS[i % 3];
    const body = (input: string) => ({
      level,
      purpose: 'dashboard seed',
      input,
      ...(projectId ? { projectId } : {}),
    });
    if (i % 5 === 3)
      gateway.enqueue(
        inferenceError('upstream_error', 'OpenRouter answered 400', { upstreamStatus: 400 }),
      );
    await server.infer(body(`call ${i} `.repeat(40 + (i % 9) * 60)), auth);
    if (i % 4 === 1) await server.infer(body(`call ${i} `.repeat(40 + (i % 9) * 60)), auth); // cached
    if (i % 6 === 2) await server.infer(body('x'.repeat(100_000)), auth); // rate limited
  }
  clock.setBack(0);
  // A project whose only call got no answer: it fails, unless the rate limits (their window on
  // real time, full after the seeding) refuse it first. Nothing it did could be cached either
  // way, so it has no hit ratio.
  gateway.enqueue(
    inferenceError('upstream_error', 'OpenRouter answered 400', { upstreamStatus: 400 }),
  );
  await server.infer(
    { level: 'turn', purpose: 'dashboard seed', input: 'fails', projectId: FAILING_PROJECT },
    auth,
  );
  return server;
};
