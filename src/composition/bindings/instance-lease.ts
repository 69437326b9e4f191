import { makeSettleInterrupted } from '../../application';
import type { EventEmitterPublisher } from '../../adapters/events/event-emitter-publisher';
import type { KnexCallLog, KnexInstanceLeases } from '../../adapters/persistence';
import type { Clock } from '../../ports';
import type { Lifecycle } from '../lifecycle';
import type { Logger } from '../logger';

/** How often the lease is renewed and dead instances' calls are looked for. */
const SETTLE_EVERY_MS = 10_000;

/** What settling needs. */
export interface SettleDeps {
  /** This instance's lease, already taken. */
  readonly leases: KnexInstanceLeases;
  readonly log: KnexCallLog;
  readonly publisher: EventEmitterPublisher;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly lifecycle: Lifecycle;
  readonly instanceId: string;
}

/**
 * Renews the lease and settles dead instances' calls now (a predecessor's, at start) and every
 * 10 s; gives the lease up on close (registered after the call log, so it runs before it).
 * Settling waits while the journal still holds events: they may be the outcomes of the very
 * intents it would settle.
 */
export const settleEvery = (d: SettleDeps): void => {
  const { leases } = d;
  const settle = makeSettleInterrupted({
    leases,
    log: d.log,
    publisher: d.publisher,
    instanceId: d.instanceId,
  });
  let cancel: (() => void) | undefined;
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  const step = async (): Promise<void> => {
    await leases.renew();
    if (d.log.backlogged() > 0) return;
    const n = await settle();
    if (n > 0) d.logger.warn({ settled: n }, `settled ${n} interrupted calls of stopped instances`);
  };
  const tick = (): void => {
    running = step()
      .catch((e: unknown) => d.logger.warn({ err: String(e) }, 'settling interrupted calls failed'))
      .finally(() => {
        if (!stopped) cancel = d.clock.schedule(SETTLE_EVERY_MS, tick);
      });
  };
  tick();
  d.lifecycle.onClose('instance lease', async () => {
    stopped = true;
    cancel?.();
    await running;
    await leases.release();
  });
};
