/** What `npm run keys` was asked to do, parsed from its arguments. */
export type KeysCommand =
  | { readonly cmd: 'help' }
  | { readonly cmd: 'create'; readonly body: Record<string, unknown> }
  | { readonly cmd: 'list' }
  | { readonly cmd: 'revoke'; readonly id: string }
  | { readonly cmd: 'rotate'; readonly id: string; readonly body: Record<string, unknown> };

/** The usage text of `npm run keys -- --help`. */
export const KEYS_HELP = `Consumer keys, without HTTP (uses the configured database).

  npm run keys -- create --name NAME --scopes infer,read [options]
      --calls-per-minute N     the key's own calls per minute
      --tokens-per-minute N    the key's own tokens per minute
      --budget PERIOD:USD      a spend cap per day, week or month (repeatable), e.g. day:5
      --levels turn,task       levels the key may call (default: every level)
      --models a/b,c/d         models the key may use (default: every allowed model)
      --expires ISO            when the key stops working, e.g. 2027-01-01T00:00:00Z
    prints the key once on stdout: it is stored only as a hash.
  npm run keys -- list
  npm run keys -- revoke ID
  npm run keys -- rotate ID [--overlap-seconds N]   prints the new key once

  Scopes: infer (calls), read (status, usage, calls, metrics, openapi), admin (keys).
  Every command takes --config PATH; DATABASE_URL overrides database.url; with neither, the
  embedded PostgreSQL under data_dir is used, as by the service.
`;

/** A flag the field of a refused body came from, for the error message. */
export const FLAG_OF_FIELD: Readonly<Record<string, string>> = {
  name: '--name',
  scopes: '--scopes',
  'limits.callsPerMinute': '--calls-per-minute',
  'limits.tokensPerMinute': '--tokens-per-minute',
  budgets: '--budget',
  levels: '--levels',
  models: '--models',
  expiresAt: '--expires',
  overlapSeconds: '--overlap-seconds',
};

const list = (v: string): string[] =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');

const number = (flag: string, v: string): number => {
  if (!/^\d+(\.\d+)?$/.test(v)) throw new Error(`${flag}: must be a number, got "${v}"`);
  return Number(v);
};

/** Parses the arguments after `npm run keys --`; throws an Error naming the bad flag. */
export const parseKeysArgs = (argv: readonly string[]): KeysCommand => {
  const args = [...argv];
  const at = args.indexOf('--config');
  if (at >= 0) args.splice(at, 2);
  const [cmd, ...rest] = args;
  if (cmd === undefined || cmd === '--help' || cmd === '-h' || cmd === 'help')
    return { cmd: 'help' };
  if (rest.includes('--help') || rest.includes('-h')) return { cmd: 'help' };
  const flags = new Map<string, string[]>();
  const positional: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    if (!a.startsWith('--')) {
      positional.push(a);
      continue;
    }
    const v = rest[i + 1];
    if (v === undefined || v.startsWith('--')) throw new Error(`${a}: needs a value`);
    flags.set(a, [...(flags.get(a) ?? []), v]);
    i++;
  }
  const one = (f: string): string | undefined => {
    const vs = flags.get(f);
    if (vs && vs.length > 1) throw new Error(`${f}: give it once`);
    return vs?.[0];
  };
  const known = (allowed: readonly string[]) => {
    for (const f of flags.keys()) {
      if (!allowed.includes(f)) throw new Error(`${f}: unknown option for ${cmd} (see --help)`);
    }
  };
  if (cmd === 'create') {
    known([
      '--name',
      '--scopes',
      '--calls-per-minute',
      '--tokens-per-minute',
      '--budget',
      '--levels',
      '--models',
      '--expires',
    ]);
    if (positional.length > 0) throw new Error(`${positional[0]}: unexpected argument`);
    const body: Record<string, unknown> = {
      name: one('--name') ?? '',
      scopes: list(one('--scopes') ?? ''),
    };
    const cpm = one('--calls-per-minute');
    const tpm = one('--tokens-per-minute');
    if (cpm !== undefined || tpm !== undefined) {
      body['limits'] = {
        ...(cpm === undefined ? {} : { callsPerMinute: number('--calls-per-minute', cpm) }),
        ...(tpm === undefined ? {} : { tokensPerMinute: number('--tokens-per-minute', tpm) }),
      };
    }
    const budgets = flags.get('--budget');
    if (budgets) {
      body['budgets'] = budgets.map((b) => {
        const m = /^([a-z]+):(.+)$/.exec(b);
        if (!m) throw new Error(`--budget: must be PERIOD:USD (e.g. day:5), got "${b}"`);
        return { period: m[1], limitUsd: number('--budget', m[2]!) };
      });
    }
    const levels = one('--levels');
    if (levels !== undefined) body['levels'] = list(levels);
    const models = one('--models');
    if (models !== undefined) body['models'] = list(models);
    const expires = one('--expires');
    if (expires !== undefined) body['expiresAt'] = expires;
    return { cmd, body };
  }
  if (cmd === 'list') {
    known([]);
    return { cmd };
  }
  if (cmd === 'revoke' || cmd === 'rotate') {
    known(cmd === 'rotate' ? ['--overlap-seconds'] : []);
    const [id, extra] = positional;
    if (id === undefined) throw new Error(`${cmd}: give the key's id (see list)`);
    if (extra !== undefined) throw new Error(`${extra}: unexpected argument`);
    if (cmd === 'revoke') return { cmd, id };
    const overlap = one('--overlap-seconds');
    const body =
      overlap === undefined ? {} : { overlapSeconds: number('--overlap-seconds', overlap) };
    return { cmd, id, body };
  }
  throw new Error(`${cmd}: unknown command (create, list, revoke, rotate; see --help)`);
};
