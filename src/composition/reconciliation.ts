import { makeReconcileSpend, type ReconcileRound } from '../application';
import type { Container } from 'inversify';
import type { Lifecycle } from './lifecycle';
import type { Logger } from './logger';
import { get, getAsync, TOKENS } from './tokens';

/** Failures are warned about at most this often (a database away fails every round). */
const WARN_EVERY_MS = 60_000;

/**
 * Logs what a round did: reconciliations in a line, every give-up once, failures in a warning
 * at most once a minute (debug otherwise).
 */
const reporter = (logger: Logger, now: () => number) => {
  let warnedAt = Number.NEGATIVE_INFINITY;
  return (r: ReconcileRound): void => {
    if (r.reconciled.length > 0) {
      logger.info(
        { reconciled: r.reconciled.length, waiting: r.waiting },
        `reconciled ${r.reconciled.length} estimated calls from OpenRouter's /generation`,
      );
    }
    for (const g of r.gaveUp) {
      logger.info(
        { callId: g.callId, upstreamId: g.upstreamId },
        'reconciliation: /generation had no figures for the call in time; it keeps its estimate',
      );
    }
    if (r.failed > 0) {
      const fields = { failed: r.failed, waiting: r.waiting, reason: r.firstFailure };
      const msg =
        'reconciliation: reading the records, asking /generation or recording failed; retried later';
      if (now() - warnedAt < WARN_EVERY_MS) logger.debug(fields, msg);
      else {
        warnedAt = now();
        logger.warn(fields, msg);
      }
    }
  };
};

/**
 * Runs reconciliation in the background for the life of the service (when an API key is
 * configured): one round now, then each when the last one says the next is due. Closing stops
 * it (aborting asks in flight) before the call log flushes, as it registers after it.
 */
export const startReconciliation = async (
  c: Container,
  lifecycle: Lifecycle,
  logger: Logger,
): Promise<void> => {
  const or = get(c, TOKENS.Config).openrouter;
  if (or.apiKey === '') return;
  const s = or.reconcile;
  const clock = get(c, TOKENS.Clock);
  const round = makeReconcileSpend({
    records: await getAsync(c, TOKENS.CallRecords),
    gateway: await getAsync(c, TOKENS.LlmGateway),
    log: await getAsync(c, TOKENS.CallLog),
    clock,
    settings: {
      firstDelayMs: s.firstDelayMs,
      maxDelayMs: s.maxDelayMs,
      giveUpAfterMs: s.giveUpAfterMs,
      scanEveryMs: s.scanIntervalMs,
    },
  });
  const report = reporter(logger, () => clock.now());
  const stop = new AbortController();
  let cancel: (() => void) | undefined;
  let running: Promise<void> = Promise.resolve();
  const tick = (): void => {
    running = round(stop.signal)
      .then((r) => {
        report(r);
        return r.nextInMs;
      })
      .catch((e: unknown) => {
        logger.warn({ err: e }, 'reconciliation round failed');
        return s.scanIntervalMs;
      })
      .then((ms) => {
        if (!stop.signal.aborted) cancel = clock.schedule(ms, tick);
      });
  };
  tick();
  lifecycle.onClose('reconciliation', async () => {
    stop.abort();
    cancel?.();
    await running;
  });
};
