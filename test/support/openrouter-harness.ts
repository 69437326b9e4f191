import {
  OpenRouterGateway,
  type GatewayEvent,
  type OpenRouterSettings,
} from '../../src/adapters/openrouter';
import { EventTap } from './event-tap';
import { FAKE_API_KEY, FakeOpenRouter } from './fake-openrouter';

/** Settings as in the default config, pointed at a fake; override what a test is about. */
export const settingsFor = (
  fake: FakeOpenRouter,
  over: Partial<OpenRouterSettings> = {},
): OpenRouterSettings => ({
  baseUrl: fake.baseUrl,
  apiKey: FAKE_API_KEY,
  httpReferer: 'https://github.com/claude-headspace',
  appTitle: 'Claude Headspace',
  timeoutMs: 30_000,
  retry: { maxAttempts: 3, baseDelayMs: 500, maxDelayMs: 10_000 },
  circuitBreaker: { consecutiveFailures: 5, halfOpenAfterMs: 30_000 },
  ...over,
});

/** A gateway over `fake` whose events a test can follow; jitter fixed at its midpoint. */
export const gatewayOver = (fake: FakeOpenRouter, over: Partial<OpenRouterSettings> = {}) => {
  const events = new EventTap<GatewayEvent>();
  const gateway = new OpenRouterGateway(settingsFor(fake, over), {
    onEvent: events.push,
    random: () => 0.5,
  });
  return { gateway, events };
};

/**
 * jest fake timers for cockatiel's `setTimeout` and `Date.now()`, leaving the microtask and
 * immediate queues real so loopback HTTP keeps flowing while virtual time stands still.
 */
export const useFakeTime = (): void => {
  jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
};

/**
 * Settles a call, letting virtual time pass only when the gateway has scheduled a retry (by
 * exactly the delay it chose), so no per-attempt timeout fires by accident.
 */
export const settle = async <T>(
  call: PromiseLike<T>,
  events: EventTap<GatewayEvent>,
): Promise<T> => {
  const done = Promise.resolve(call);
  for (let i = 0; i < 100; i++) {
    const retry = await events.next('RetryScheduled', done);
    if (!retry) return done;
    // A zero delay scheduled while fake time is ticking is due 1 ms later (sinon's rule).
    await jest.advanceTimersByTimeAsync(Math.max(1, retry.delayMs));
  }
  throw new Error('the call did not settle within 100 retries');
};

/**
 * Registers the hooks every fake-timer gateway suite needs: one fake OpenRouter for the suite,
 * cleared before each test, with fake time on during tests. Returns the server (after beforeAll).
 */
export const useFakeOpenRouterWithFakeTime = (): { readonly fake: FakeOpenRouter } => {
  const ref = {} as { fake: FakeOpenRouter };
  beforeAll(async () => {
    ref.fake = await FakeOpenRouter.start();
  });
  afterAll(() => ref.fake.close());
  beforeEach(() => {
    ref.fake.clear();
    useFakeTime();
  });
  afterEach(() => jest.useRealTimers());
  return ref;
};
