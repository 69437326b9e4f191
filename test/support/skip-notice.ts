import { redisTarget } from './test-redis';

/**
 * Jest global teardown: says once per run, under the summary, why the Redis suites skip, instead of a warning from each
 * skipped suite that the summary's "N skipped" never explains.
 */
export default function skipNotice(): void {
  const t = redisTarget();
  if (t.kind === 'skip') {
    process.stdout.write(`\nRedis suites are skipped in this run: ${t.reason}.\n`);
  }
}
