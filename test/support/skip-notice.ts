import { redisTarget } from './test-redis';

/**
 * Jest global teardown: says once per run, under the summary, why the Redis suites skip, instead
 * of a warning from each skipped suite that the summary's "N skipped" never explains. Quiet when
 * the run did not select the integration project, where those suites live.
 */
export default function skipNotice(): void {
  if (!selects('int')) return;
  const t = redisTarget();
  if (t.kind === 'skip') {
    process.stdout.write(`\nRedis suites were skipped in this run: ${t.reason}.\n`);
  }
}

/** Whether this jest run includes `project` (every project unless --selectProjects says). */
const selects = (project: string): boolean => {
  const argv = process.argv;
  const at = argv.indexOf('--selectProjects');
  if (at < 0) return true;
  const names: string[] = [];
  for (const a of argv.slice(at + 1)) {
    if (a.startsWith('-')) break;
    names.push(a);
  }
  return names.includes(project);
};
