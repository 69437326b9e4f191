import type { HealthReport } from '../ports';
import type { Logger } from './logger';

/** What a probe's outcome is, for telling a change from a repeat (times and latency aside). */
const outcomeOf = (r: HealthReport): string =>
  JSON.stringify([r.reachable, r.authenticated, r.error]);

/**
 * Logs background health probes without flooding: a failing probe once, then again only when
 * the outcome changes (another error, or recovery). An offline service probing every minute
 * would otherwise log the same failure all day. Without an API key nothing is called upstream,
 * so reachability is no operator's concern: its probes log at debug only.
 */
export const probeLogger = (
  log: Logger,
  apiKeyConfigured: boolean,
): ((report: HealthReport) => void) => {
  let last: string | undefined;
  let failing = false;
  return (report) => {
    const outcome = outcomeOf(report);
    if (outcome === last) return;
    last = outcome;
    // No key is not a failure: the probe says so and status is degraded for it already.
    const fails = !report.reachable || report.authenticated === false;
    if (fails) {
      log[apiKeyConfigured ? 'warn' : 'debug'](
        { reachable: report.reachable, authenticated: report.authenticated, error: report.error },
        'OpenRouter health check failed (logged again only when this changes)',
      );
    } else if (failing) {
      log[apiKeyConfigured ? 'info' : 'debug'](
        { authenticated: report.authenticated },
        'OpenRouter health check passes again',
      );
    }
    failing = fails;
  };
};
