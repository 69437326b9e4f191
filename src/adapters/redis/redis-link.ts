import { Redis } from 'ioredis';
import type { Clock, SharedStore, SharedStoreStatus } from '../../ports';

/** How long after a failed command the adapters use their in-process fallback unasked. */
const COOLDOWN_MS = 1000;

/**
 * A client that fails fast: no offline queue and no retried commands, so an outage costs a
 * request at most `commandTimeout` once per cooldown, never an unbounded wait; the connection
 * itself keeps reconnecting in the background.
 */
export const createRedisClient = (url: string, commandTimeoutMs = 500): Redis =>
  new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: commandTimeoutMs,
    connectTimeout: 2000,
    retryStrategy: (times) => Math.min(times * 200, 2000),
  });

/**
 * One Redis connection shared by the Redis adapters, and whether they may use it. A failure
 * sends them to their in-process fallbacks for a cooldown, after which real traffic probes
 * again; status shows a warning meanwhile.
 */
export class RedisLink implements SharedStore {
  private state: 'starting' | 'up' | 'down' | 'closed' = 'starting';
  private downUntil = 0;
  private lastError = 'not connected yet';
  private since: number;

  constructor(
    readonly client: Redis,
    private readonly clock: Clock,
    private readonly onChange: (status: SharedStoreStatus) => void = () => undefined,
  ) {
    this.since = clock.now();
    client.on('ready', () => this.succeeded());
    client.on('error', (e: unknown) => this.failed(e));
    client.on('close', () => this.failed(new Error('connection closed')));
  }

  /** Connects once; on failure the client keeps retrying and the adapters fall back. */
  async connect(): Promise<void> {
    await this.client.connect().catch((e: unknown) => this.failed(e));
  }

  /** True when commands should go to Redis rather than to the fallback. */
  usable(): boolean {
    return (
      this.client.status === 'ready' && (this.state === 'up' || this.clock.now() >= this.downUntil)
    );
  }

  /** Records a command that answered. */
  succeeded(): void {
    if (this.state === 'up' || this.state === 'closed') return;
    this.state = 'up';
    this.since = this.clock.now();
    this.onChange(this.status());
  }

  /** Records a failed command or a lost connection. */
  failed(e: unknown): void {
    this.downUntil = this.clock.now() + COOLDOWN_MS;
    this.lastError = e instanceof Error ? e.message : String(e);
    if (this.state === 'down' || this.state === 'closed') return;
    this.state = 'down';
    this.since = this.clock.now();
    this.onChange(this.status());
  }

  status(): SharedStoreStatus {
    const connected = this.state === 'up' && this.client.status === 'ready';
    return {
      configured: true,
      connected,
      warning: connected
        ? null
        : `Redis unreachable since ${new Date(this.since).toISOString()} (${this.lastError}): ` +
          'rate limits, budgets and cache hold per instance, not across instances, until it answers',
    };
  }

  /** Closes the connection, politely when it is up. */
  async close(): Promise<void> {
    this.state = 'closed';
    if (this.client.status === 'ready') await this.client.quit().catch(() => undefined);
    this.client.disconnect();
  }
}
