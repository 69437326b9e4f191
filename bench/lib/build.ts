import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';

/** Where the transpiled service goes: inside node_modules, so its imports resolve as usual. */
export const BUILD_DIR = join('node_modules', '.cache', 'headspace-bench');
/** Where the older version of `--before-src` goes, beside it (same dependencies). */
export const BEFORE_BUILD_DIR = join('node_modules', '.cache', 'headspace-bench-before');

const sources = (root: string, dir: string): string[] =>
  readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.endsWith('.d.ts'))
    .map((f) => join(dir, f));

/**
 * Transpiles src/ and migrations/ to plain CommonJS (what `npm run build` emits, minus types and
 * source maps), so the service runs as `node main.js` — no tsx loader thread in its RSS, no
 * source-map cost in its hot path — without the seconds a full `tsc` takes.
 * The bare proxy (bench/lib/bare-proxy.ts) is transpiled the same way, so both run as plain JS.
 * `source` (default `root`) is where src/ and migrations/ are read from: another checkout of the
 * service, to compare two versions on the same dependencies. `dir` (under root, default
 * BUILD_DIR) is where it goes, so two versions can be built side by side.
 */
export const buildService = (
  root: string,
  source = root,
  dir = BUILD_DIR,
): { main: string; bareProxy: string } => {
  const out = join(root, dir);
  rmSync(out, { recursive: true, force: true });
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    esModuleInterop: true,
    sourceMap: false,
  };
  const proxy = join('bench', 'lib', 'bare-proxy.ts');
  const files = [...sources(source, 'src'), ...sources(source, 'migrations')];
  for (const file of [...files, proxy]) {
    const from = join(file === proxy ? root : source, file);
    const { outputText } = ts.transpileModule(readFileSync(from, 'utf8'), {
      compilerOptions: options,
      fileName: file,
    });
    const target = join(out, file.replace(/\.ts$/, '.js'));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, outputText);
  }
  return {
    main: relative(root, join(out, 'src', 'main.js')),
    bareProxy: relative(root, join(out, proxy.replace(/\.ts$/, '.js'))),
  };
};
