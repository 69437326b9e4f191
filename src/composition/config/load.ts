import { existsSync, readFileSync } from 'node:fs';
import { err, ok, type Result } from 'neverthrow';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { configSchema, ENV_KEYS, type Config } from './schema';

/** Why start-up stopped: one line per problem, each naming its key. */
export interface ConfigError {
  readonly code: 'invalid_config';
  readonly problems: readonly string[];
  readonly message: string;
}

/** Where configuration comes from. */
export interface ConfigSource {
  /** A YAML file; default `CONFIG_PATH`, else `./config.yaml` when it exists. */
  readonly path?: string | undefined;
  /** Values as in config.yaml, used instead of a file. */
  readonly values?: unknown;
  /** The environment; default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

type Env = Readonly<Record<string, string | undefined>>;
type Override = { readonly name: string; readonly text: string };

const show = (v: unknown): string => (v === undefined ? 'nothing' : JSON.stringify(v));
/** A value for a message; a secret's only by its type, never echoed back. */
const safeShow = (key: string, v: unknown): string =>
  /api_key|auth_token/.test(key)
    ? `a ${typeof v}`
    : // A URL's password (database.url, redis.url) is masked as the start-up summary masks it.
      show(typeof v === 'string' ? v.replace(/(\/\/[^:@/]*):[^@/]*@/g, '$1:***@') : v);

/** Loads and validates configuration: built-in defaults < file (or values) < environment. */
export const loadConfig = (source: ConfigSource = {}): Result<Config, ConfigError> => {
  const env = source.env ?? process.env;
  const problems: string[] = [];
  const file = source.values !== undefined ? source.values : readFile(source, env, problems);
  const overrides = new Map<string, Override>();
  for (const [name, { key }] of Object.entries(ENV_KEYS)) {
    const text = env[name];
    if (text !== undefined && text !== '') overrides.set(key, { name, text });
  }
  // The file alone first: a wrong file value is reported even when the environment overrides it.
  const fromFile = configSchema.safeParse(file, { reportInput: true });
  if (!fromFile.success) problems.push(...describe(fromFile.error.issues, new Map()));
  const merged = configSchema.safeParse(withEnv(file, overrides), { reportInput: true });
  if (!merged.success) {
    for (const p of describe(merged.error.issues, overrides)) {
      if (!problems.includes(p)) problems.push(p);
    }
  }
  if (problems.length > 0 || !merged.success) {
    return err({
      code: 'invalid_config',
      problems,
      message: `invalid configuration:\n  - ${problems.join('\n  - ')}`,
    });
  }
  return ok(merged.data);
};

/** One line per issue, first issue per key only, each naming the key (and variable). */
const describe = (issues: readonly z.core.$ZodIssue[], overrides: Map<string, Override>) => {
  const lines: string[] = [];
  const seen = new Set<string>();
  for (const issue of issues) {
    const key = issue.path.join('.');
    if (issue.code === 'unrecognized_keys') {
      lines.push(...issue.keys.map((k) => `${key ? `${key}.` : ''}${k} is not a known key`));
      continue;
    }
    if (seen.has(key)) continue;
    seen.add(key);
    if (issue.code === 'custom' && issue.params?.['sentence'] === true) {
      lines.push(issue.message);
      continue;
    }
    const o = overrides.get(key);
    const got = safeShow(key, o ? o.text : issue.input);
    const from = o ? ` (from ${o.name})` : '';
    lines.push(`${key || 'the configuration'}${from} must be ${issue.message}, got ${got}`);
  }
  return lines;
};

/** The file's values with each environment override set at its key. */
const withEnv = (file: unknown, overrides: Map<string, Override>): unknown => {
  if (overrides.size === 0) return file;
  const isNode = (v: unknown): v is Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v);
  if (file !== undefined && !isNode(file)) return file;
  const root: Record<string, unknown> = structuredClone(file ?? {});
  for (const [key, { name, text }] of overrides) {
    const parts = key.split('.');
    const leaf = parts.pop() as string;
    let node: Record<string, unknown> | undefined = root;
    for (const p of parts) {
      const next: unknown = node?.[p] ?? (node ? (node[p] = {}) : undefined);
      // A section that is not a mapping is reported by the file pass; leave it as it is.
      node = isNode(next) ? next : undefined;
    }
    if (node === undefined) continue;
    const numeric = ENV_KEYS[name]?.numeric === true && text.trim() !== '';
    node[leaf] = numeric ? Number(text) : text;
  }
  return root;
};

const readFile = (source: ConfigSource, env: Env, problems: string[]): unknown => {
  const explicit = source.path ?? (env.CONFIG_PATH || undefined);
  const path = explicit ?? 'config.yaml';
  if (!existsSync(path)) {
    if (explicit !== undefined) problems.push(`config file ${path} does not exist`);
    return undefined;
  }
  try {
    return parseYaml(readFileSync(path, 'utf8')) ?? undefined;
  } catch (e) {
    // Position only: the parser's excerpt of the line could hold a secret.
    const line = (e as { linePos?: Array<{ line: number }> }).linePos?.[0]?.line;
    problems.push(`config file ${path} is not valid YAML${line ? ` (line ${line})` : ''}`);
    return undefined;
  }
};
