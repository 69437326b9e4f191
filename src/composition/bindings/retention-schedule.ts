import type { KnexRetention, RetentionReport } from '../../adapters/persistence';
import type { Clock } from '../../ports';
import type { Lifecycle } from '../lifecycle';
import type { Logger } from '../logger';

/** How long shutdown waits for a pass in progress. */
const CLOSE_WAIT_MS = 2000;

/** What the scheduled passes need. */
export interface RetentionScheduleDeps {
  readonly retention: KnexRetention;
  readonly everyMs: number;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly lifecycle: Lifecycle;
  /** Told of every pass that ran (for status and metrics). */
  readonly onPass: (r: RetentionReport, at: number) => void;
}

/**
 * Runs a retention pass now (which first makes the partitions of the days ahead) and every
 * `everyMs`; a pass another instance is running is skipped (its advisory lock). Stops on close,
 * after the pass in progress.
 */
export const retainEvery = (d: RetentionScheduleDeps): void => {
  let cancel: (() => void) | undefined;
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  const pass = async (): Promise<void> => {
    const report = await d.retention.run({ asOf: d.clock.now() });
    if (!report.ran) return;
    d.onPass(report, d.clock.now());
    if (report.dropped.length > 0 || report.skipped.length > 0)
      d.logger.info(
        { dropped: report.dropped.map((x) => x.from), skipped: report.skipped },
        `retention: dropped ${report.dropped.length} day(s) before ${report.boundary}`,
      );
  };
  const tick = (): void => {
    running = pass()
      .catch((e: unknown) => d.logger.warn({ err: String(e) }, 'retention pass failed'))
      .finally(() => {
        if (!stopped) cancel = d.clock.schedule(d.everyMs, tick);
      });
  };
  tick();
  d.lifecycle.onClose('retention', async () => {
    stopped = true;
    cancel?.();
    // A pass caught by a database that stopped answering must not hold the shutdown up: what it
    // left half-way, the next pass finishes.
    const timer = { cancel: (): void => undefined };
    const late = new Promise<void>((resolve) => {
      timer.cancel = d.clock.schedule(CLOSE_WAIT_MS, resolve);
    });
    await Promise.race([running, late]);
    timer.cancel();
  });
};
