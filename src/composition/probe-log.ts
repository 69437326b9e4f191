import type { HealthReport } from '../ports';
import type { Logger } from './logger';

/** What a probe's outcome is, for telling a change from a repeat (times and latency aside). */
const outcomeOf = (r: HealthReport): string =>
  JSON.stringify([r.reachable, r.authenticated, r.error]);

/**
 * Logs background health probes without flooding: a failing probe once, then again only when
 * the outcome changes (another error, or recovery). An offline service probing every minute
 * would otherwise log the same failure all day.
 */
export const probeLogger = (log: Logger): ((report: HealthReport) => void) => {
  let last: string | undefined;
  return (report) => {
    const outcome = outcomeOf(report);
    if (outcome === last) return;
    const first = last === undefined;
    last = outcome;
    const ok = report.reachable && report.error === null;
    if (!ok) {
      log.warn(
        { reachable: report.reachable, authenticated: report.authenticated, error: report.error },
        'OpenRouter health check failed (logged again only when this changes)',
      );
    } else if (!first) {
      log.info({ authenticated: report.authenticated }, 'OpenRouter health check passes again');
    }
  };
};
