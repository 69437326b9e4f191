import type { KnexRetention, RetentionReport } from '../../adapters/persistence';
import type { Clock } from '../../ports';
import type { Lifecycle } from '../lifecycle';
import type { Logger } from '../logger';

/**
 * The first pass waits this long after start: the partitions of the week ahead already exist
 * (the migration and every earlier pass made them), and a starting service has other work.
 */
const FIRST_PASS_AFTER_MS = 10_000;

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
 * Runs a retention pass 10 s after start (each pass first makes the partitions of the days
 * ahead) and every `everyMs` after; a pass another instance is running is skipped (its advisory
 * lock). Stops on close, after the pass in progress (waiting 2 s at most).
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
      .catch((e: unknown) => {
        // A pass cut short by shutdown (the database closing under it) is finished by the next.
        if (!stopped) d.logger.warn({ err: String(e) }, 'retention pass failed');
      })
      .finally(() => {
        if (!stopped) cancel = d.clock.schedule(d.everyMs, tick);
      });
  };
  cancel = d.clock.schedule(FIRST_PASS_AFTER_MS, tick);
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
