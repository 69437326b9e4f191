import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';

/** A Redis for one suite: its URL, fresh key prefixes, and clients closed after it. */
export interface TestRedis {
  readonly url: string;
  /** A key prefix no other suite or test uses, so suites sharing a Redis never collide. */
  prefix(): string;
  /** A new client, quit after the suite. */
  client(): Redis;
}

type Target =
  | { readonly kind: 'url'; readonly url: string }
  | { readonly kind: 'container' }
  | { readonly kind: 'skip'; readonly reason: string };

/** `TEST_REDIS_URL`, else testcontainers when a Docker engine answers, else a reason to skip. */
export const redisTarget = (): Target => {
  const url = process.env.TEST_REDIS_URL;
  if (url) return { kind: 'url', url };
  if (dockerAnswers()) return { kind: 'container' };
  return { kind: 'skip', reason: 'TEST_REDIS_URL is not set and no Docker engine answers' };
};

/** Pings the Docker engine synchronously: jest must know before `describe` whether to skip. */
const dockerAnswers = (): boolean => {
  const sockets = [
    process.env.DOCKER_HOST,
    'unix:///var/run/docker.sock',
    process.env.XDG_RUNTIME_DIR && `unix://${process.env.XDG_RUNTIME_DIR}/docker.sock`,
    `unix://${join(homedir(), '.docker/run/docker.sock')}`,
  ].filter((h): h is string => !!h && (!h.startsWith('unix://') || existsSync(h.slice(7))));
  const host = sockets[0];
  if (!host) return false;
  const where = host.startsWith('unix://')
    ? `{ socketPath: ${JSON.stringify(host.slice(7))} }`
    : `(u => ({ host: u.hostname, port: u.port }))(new URL(${JSON.stringify(host.replace(/^tcp:/, 'http:'))}))`;
  const probe = `require('http').get({ ...${where}, path: '/_ping', timeout: 2000 },
    r => process.exit(r.statusCode === 200 ? 0 : 1)).on('error', () => process.exit(1))
    .on('timeout', () => process.exit(1));`;
  return spawnSync(process.execPath, ['-e', probe], { timeout: 5000 }).status === 0;
};

let suites = 0;

/** A describe block over a real Redis, or a skipped one (the run says why once). */
export const describeRedis = (name: string, body: (redis: TestRedis) => void): void => {
  const t = redisTarget();
  const slug = name.replace(/[^a-z0-9]+/gi, '-').toLowerCase();
  const base = `test:${slug}:${process.pid}-${Date.now().toString(36)}-${suites++}:`;
  let url = t.kind === 'url' ? t.url : '';
  let stop: (() => Promise<unknown>) | undefined;
  let n = 0;
  const clients: Redis[] = [];
  const redis: TestRedis = {
    get url() {
      if (!url) throw new Error('the test Redis is not started yet (use it inside a test)');
      return url;
    },
    prefix: () => `${base}${n++}:`,
    client: () => {
      const c = new Redis(redis.url, { maxRetriesPerRequest: 1 });
      clients.push(c);
      return c;
    },
  };
  if (t.kind === 'skip') {
    // Why is printed once per run, by test/support/skip-notice.ts.
    describe.skip(name, () => body(redis));
    return;
  }
  describe(name, () => {
    beforeAll(async () => {
      if (t.kind !== 'container') return;
      const { RedisContainer } = await import('@testcontainers/redis');
      const started = await new RedisContainer('redis:7-alpine').start();
      url = started.getConnectionUrl();
      stop = () => started.stop();
    }, 120_000);
    afterAll(async () => {
      // Keys start with the prefix, or with a hash tag around it.
      if (url) for (const p of [`${base}*`, `{${base}*`]) await dropKeys(redis.client(), p);
      await Promise.all(clients.map((c) => c.quit().catch(() => c.disconnect())));
      await stop?.();
    });
    body(redis);
  });
};

/** Deletes the suite's keys so a shared Redis is left as it was found. */
const dropKeys = async (c: Redis, pattern: string): Promise<void> => {
  let cursor = '0';
  do {
    const [next, keys] = await c.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    if (keys.length > 0) await c.del(...keys);
    cursor = next;
  } while (cursor !== '0');
};
