import type { Clock, HealthReport, LlmGateway } from '../../ports';

/**
 * Holds the latest connectivity check (FR23). Status reads it and never waits on the network;
 * `check` runs the probe and keeps its result.
 */
export class HealthMonitor {
  private last: HealthReport | null = null;

  constructor(
    private readonly gateway: LlmGateway,
    private readonly clock: Clock,
  ) {}

  /** Probes upstream now and remembers the result. Never rejects. */
  async check(): Promise<HealthReport> {
    this.last = await this.gateway.probe().catch((e: unknown): HealthReport => ({
      reachable: false,
      authenticated: null,
      checkedAt: new Date(this.clock.now()).toISOString(),
      latencyMs: 0,
      error: e instanceof Error ? e.message : 'health check failed',
    }));
    return this.last;
  }

  /** The last result, or null before the first check. */
  latest(): HealthReport | null {
    return this.last;
  }
}
