import type { ModelMap } from '../domain';
import type { Config } from './config';

/** What start-up prints: where to reach the service and what it runs on. */
export interface StartupSummary {
  readonly url: string;
  readonly database: string;
  readonly models: ModelMap;
  readonly auth: boolean;
  readonly degradedReason: string | null;
}

/** A database URL with its password (and any query secrets) removed, for display. */
export const displayUrl = (url: string): string => {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    u.search = '';
    return u.toString();
  } catch {
    return '(unparseable URL)';
  }
};

/** Where calls are recorded, in words. */
export const databaseMode = (config: Config, memory: boolean): string => {
  if (memory) return 'in memory (--memory): nothing is kept after exit';
  if (config.database.url !== '') return `PostgreSQL at ${displayUrl(config.database.url)}`;
  return `embedded PostgreSQL under ${config.dataDir}`;
};

/** The summary as lines for a terminal. */
export const formatSummary = (s: StartupSummary): string => {
  const width = Math.max(...Object.keys(s.models).map((l) => l.length));
  return [
    `Headspace Inference listening on ${s.url}`,
    `  database: ${s.database}`,
    `  auth:     ${s.auth ? 'bearer token required on /api/* and /v1/* (the token or a consumer key)' : 'off (loopback only)'}`,
    `  models:`,
    ...Object.entries(s.models).map(([level, model]) => `    ${level.padEnd(width)}  ${model}`),
    s.degradedReason === null
      ? `  status:   enabled`
      : `  status:   DEGRADED: ${s.degradedReason} (inference answers 503 unavailable)`,
    '',
  ].join('\n');
};
