import { redisTarget } from './test-redis';

/** The projects whose suites need Redis (describeRedis): integration and end-to-end. */
const REDIS_PROJECTS = ['int', 'e2e'];

/**
 * Jest global teardown: says once per run, under the summary, why the Redis suites skip, instead
 * of a warning from each skipped suite that the summary's "N skipped" never explains. Quiet when
 * the run selected no project with Redis suites.
 */
export default function skipNotice(): void {
  const notice = skipNoticeFor(process.argv, redisTarget());
  if (notice !== null) process.stdout.write(notice);
}

/** The notice for a run with these arguments and this Redis target, or null for none. */
export const skipNoticeFor = (
  argv: readonly string[],
  target: ReturnType<typeof redisTarget>,
): string | null =>
  target.kind === 'skip' && REDIS_PROJECTS.some((p) => selects(argv, p))
    ? `\nRedis suites were skipped in this run: ${target.reason}.\n`
    : null;

/** Whether this jest run includes `project` (every project unless --selectProjects says). */
const selects = (argv: readonly string[], project: string): boolean => {
  const at = argv.indexOf('--selectProjects');
  if (at < 0) return true;
  const names: string[] = [];
  for (const a of argv.slice(at + 1)) {
    if (a.startsWith('-')) break;
    names.push(a);
  }
  return names.includes(project);
};
