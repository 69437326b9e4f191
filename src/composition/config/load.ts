import { existsSync, readFileSync } from 'node:fs';
import { err, ok, type Result } from 'neverthrow';
import { parse as parseYaml } from 'yaml';
import { ENV_KEYS, SPEC, type Config, type FreeMap, type Leaf, type Spec } from './schema';

/** Why start-up stopped: one line per problem, each naming its key. */
export interface ConfigError {
  readonly code: 'invalid_config';
  readonly problems: readonly string[];
  readonly message: string;
}

/** True when `e` is a ConfigError. */
export const isConfigError = (e: unknown): e is ConfigError =>
  typeof e === 'object' && e !== null && (e as { code?: unknown }).code === 'invalid_config';

/** Where configuration comes from. */
export interface ConfigSource {
  /** A YAML file; default `CONFIG_PATH`, else `./config.yaml` when it exists. */
  readonly path?: string | undefined;
  /** Values as in config.yaml, used instead of a file. */
  readonly values?: unknown;
  /** The environment; default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

type Node = Record<string, unknown>;
const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);
const isLeaf = (s: Leaf | FreeMap | Spec): s is Leaf => (s as Leaf).kind === 'leaf';
const isMap = (s: Leaf | FreeMap | Spec): s is FreeMap => (s as FreeMap).kind === 'map';
const show = (v: unknown): string => (v === undefined ? 'nothing' : JSON.stringify(v));
/** A value for a message; a secret's only by its type, never echoed back. */
const safeShow = (path: string, v: unknown): string =>
  /api_key|auth_token/.test(path) ? `a ${typeof v}` : show(v);
const camel = (k: string): string => k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/** Loads and validates configuration: built-in defaults < file (or values) < environment. */
export const loadConfig = (source: ConfigSource = {}): Result<Config, ConfigError> => {
  const env = source.env ?? process.env;
  const problems: string[] = [];
  const file = source.values !== undefined ? source.values : readFile(source, env, problems);
  const overrides = new Map<string, { name: string; text: string }>();
  for (const [name, key] of Object.entries(ENV_KEYS)) {
    const text = env[name];
    if (text !== undefined && text !== '') overrides.set(key, { name, text });
  }
  const walk = (spec: Spec, given: unknown, path: string): Node => {
    const out: Node = {};
    if (given !== undefined && !isNode(given)) {
      problems.push(`${path || 'the configuration'} must be a mapping, got ${show(given)}`);
      given = undefined;
    }
    const node = (given ?? {}) as Node;
    for (const k of Object.keys(node)) {
      if (!(k in spec)) problems.push(`${path ? `${path}.` : ''}${k} is not a known key`);
    }
    for (const [k, s] of Object.entries(spec)) {
      const p = path ? `${path}.${k}` : k;
      if (isLeaf(s)) {
        // An optional key not given (null) is left out, so the value's type can say `key?`.
        const v = leafValue(s, node[k], p);
        if (v !== null) out[camel(k)] = v;
      } else if (isMap(s)) out[camel(k)] = mapValue(s, node[k], p);
      else out[camel(k)] = walk(s, node[k], p);
    }
    return out;
  };
  const leafValue = (s: Leaf, given: unknown, path: string): unknown => {
    const o = overrides.get(path);
    if (o && given !== undefined && s.rule.parse(given) === undefined) {
      // The file is wrong even when the environment overrides it: say so rather than hide it.
      problems.push(`${path} must be ${s.rule.expects}, got ${safeShow(path, given)}`);
    }
    const raw = o ? (s.rule.fromEnv ? s.rule.fromEnv(o.text) : o.text) : (given ?? s.default);
    const v = s.rule.parse(raw);
    if (v === undefined) {
      const from = o ? ` (from ${o.name})` : '';
      problems.push(
        `${path}${from} must be ${s.rule.expects}, got ${safeShow(path, o ? o.text : raw)}`,
      );
    }
    return v;
  };
  const mapValue = (s: FreeMap, given: unknown, path: string): Node => {
    if (given !== undefined && given !== null && !isNode(given)) {
      problems.push(`${path} must be a mapping, got ${show(given)}`);
      given = undefined;
    }
    const merged: Node = { ...s.default, ...((given as Node | null) ?? {}) };
    return Object.fromEntries(
      Object.entries(merged).map(([k, v]) => [k, walk(s.value, v ?? {}, `${path}.${k}`)]),
    );
  };
  const config = walk(SPEC, file, '') as unknown as Config;
  if (problems.length === 0) crossChecks(config, problems);
  if (problems.length > 0) {
    return err({
      code: 'invalid_config',
      problems,
      message: `invalid configuration:\n  - ${problems.join('\n  - ')}`,
    });
  }
  return ok(config);
};

const crossChecks = (c: Config, problems: string[]): void => {
  const r = c.openrouter.retry;
  if (r.baseDelayMs > r.maxDelayMs) {
    problems.push(
      `openrouter.retry.base_delay_ms (${r.baseDelayMs}) must not exceed openrouter.retry.max_delay_ms (${r.maxDelayMs})`,
    );
  }
};

const readFile = (
  source: ConfigSource,
  env: Readonly<Record<string, string | undefined>>,
  problems: string[],
): unknown => {
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
