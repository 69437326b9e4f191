// @ts-check
/**
 * `npm run build` (always compiles) and `npm start`'s prestart (`--if-stale`: compiles only when a
 * source is newer than the last build). Plain JavaScript so that checking costs milliseconds, not
 * the seconds of loading a TypeScript runner: a warm `npm start` goes straight to node.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
/** Written after a successful build, dated when that build began. */
const STAMP = join(root, 'dist', '.build-stamp');
/** What the build reads: a change to any of them makes dist/ stale. */
const INPUTS = [
  'src',
  'migrations',
  'knexfile.ts',
  'tsconfig.json',
  'tsconfig.build.json',
  'package-lock.json',
];

/** The newest modification time under `path` (a file or a folder), in ms; 0 when absent. */
const newest = (path) => {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  // Files only: a copy (or a checkout) dates folders anew. A deleted source leaves an unused
  // file in dist/; whatever imported it changed too, and that triggers the build.
  let latest = 0;
  for (const name of readdirSync(path)) latest = Math.max(latest, newest(join(path, name)));
  return latest;
};

/** True when no build stamp exists or some input changed after the build it records. */
const isStale = () => {
  if (!existsSync(STAMP)) return true;
  const built = statSync(STAMP).mtimeMs;
  return INPUTS.some((input) => newest(join(root, input)) > built);
};

const build = () => {
  const began = new Date();
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const run = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], {
    stdio: 'inherit',
  });
  if (run.status !== 0) process.exit(run.status ?? 1);
  mkdirSync(dirname(STAMP), { recursive: true });
  writeFileSync(STAMP, `built from the sources as they were at ${began.toISOString()}\n`);
  // Dated at the start: a file saved while tsc ran is newer, so the next start builds again.
  utimesSync(STAMP, began, began);
};

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const ifStale = process.argv.includes('--if-stale');
  if (!ifStale || isStale()) {
    if (ifStale) process.stderr.write('sources changed since the last build: compiling…\n');
    build();
  }
}
