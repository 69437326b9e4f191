import { errAsync, ResultAsync } from 'neverthrow';
import {
  associationIdProblem,
  inferenceError,
  isLevel,
  LEVELS,
  type InferenceError,
  type UsageQuery,
  type UsageReport,
} from '../../domain';
import type { BudgetLedger, UsageReadModel } from '../../ports';
import { budgetReport, type BudgetReport } from '../get-status/budget-status';

/** Raw usage query parameters, as strings from a query string or a library caller. */
export interface UsageParams {
  readonly since?: string | undefined;
  readonly until?: string | undefined;
  readonly projectId?: string | undefined;
  readonly level?: string | undefined;
  /** Only calls made with this consumer key. */
  readonly keyId?: string | undefined;
  /** Usage: `key` adds `byKey`. Series: one series per level, model, project, status or key. */
  readonly groupBy?: string | undefined;
}

/** Validates usage parameters; the error names the parameter. */
export const parseUsageParams = (
  p: UsageParams,
): { ok: true; query: UsageQuery } | { ok: false; error: InferenceError } => {
  const time = (name: 'since' | 'until'): number | undefined | InferenceError => {
    const raw = p[name];
    if (raw === undefined || raw === '') return undefined;
    const t = /^\d{4}-\d{2}-\d{2}/.test(raw) ? Date.parse(raw) : NaN;
    return Number.isNaN(t)
      ? inferenceError(
          'invalid_request',
          `${name}: must be an ISO-8601 date or time, got "${raw}"`,
          {
            field: name,
          },
        )
      : t;
  };
  const since = time('since');
  if (typeof since === 'object') return { ok: false, error: since };
  const until = time('until');
  if (typeof until === 'object') return { ok: false, error: until };
  if (since !== undefined && until !== undefined && until < since) {
    return {
      ok: false,
      error: inferenceError('invalid_request', 'until: must not be before since', {
        field: 'until',
      }),
    };
  }
  const idProblem = p.projectId ? associationIdProblem(p.projectId) : undefined;
  if (idProblem) {
    return {
      ok: false,
      error: inferenceError('invalid_request', `projectId: ${idProblem}`, { field: 'projectId' }),
    };
  }
  if (p.level !== undefined && p.level !== '' && !isLevel(p.level)) {
    return {
      ok: false,
      error: inferenceError(
        'invalid_request',
        `level: must be one of ${LEVELS.join(', ')}, got "${p.level}"`,
        { field: 'level' },
      ),
    };
  }
  if (p.keyId !== undefined && p.keyId !== '' && !/^[a-z0-9]{12}$/.test(p.keyId)) {
    return {
      ok: false,
      error: inferenceError('invalid_request', 'keyId: must be a key id (12 characters a-z, 0-9)', {
        field: 'keyId',
      }),
    };
  }
  return {
    ok: true,
    query: {
      since,
      until,
      projectId: p.projectId || undefined,
      level: isLevel(p.level) ? p.level : undefined,
      keyId: p.keyId || undefined,
    },
  };
};

/** The usage use case (FR15, FR22): validated query, answered from aggregates. */
export const makeGetUsage =
  (usage: UsageReadModel, budgets?: BudgetLedger) =>
  (params: UsageParams): ResultAsync<UsageWithBudgets, InferenceError> => {
    const parsed = parseUsageParams(params);
    if (!parsed.ok) return errAsync(parsed.error);
    const { groupBy } = params;
    if (groupBy !== undefined && groupBy !== '' && groupBy !== 'key') {
      return errAsync(
        inferenceError('invalid_request', `groupBy: must be key, got "${groupBy}"`, {
          field: 'groupBy',
        }),
      );
    }
    const query = groupBy === 'key' ? { ...parsed.query, groupBy: 'key' as const } : parsed.query;
    return ResultAsync.fromPromise(
      currentUsage(usage, (u) => u.usage(query)),
      (e) =>
        inferenceError(
          'unavailable',
          // The cause stays out of the answer: it may quote SQL. Adapters log it.
          `usage could not be read: the database did not answer (${errorName(e)})`,
        ),
    ).map((report) => {
      const states = (budgets?.snapshot() ?? []).filter(
        (s) => query.keyId === undefined || s.budget.keyId === query.keyId,
      );
      return states.length === 0 ? report : { ...report, budgets: states.map(budgetReport) };
    });
  };

/** How long a usage read waits for the aggregates to count every call answered before it. */
export const USAGE_READ_WAIT_MS = 1000;

/**
 * Reads `read` once the aggregates count every call recorded before the read began (waiting at
 * most USAGE_READ_WAIT_MS); past that, the answer says how current it is (`asOf`, `lagMs`).
 */
export const currentUsage = async <T extends object>(
  usage: UsageReadModel,
  read: (u: UsageReadModel) => Promise<T>,
): Promise<T & { asOf?: string; lagMs?: number }> => {
  const lag = await usage.caughtUp(USAGE_READ_WAIT_MS);
  const answer = await read(usage);
  return lag ? { ...answer, asOf: lag.asOf, lagMs: lag.lagMs } : answer;
};

/** A usage report, with spend against each configured budget in its current period. */
export type UsageWithBudgets = UsageReport & { readonly budgets?: readonly BudgetReport[] };

/** A short, safe name for a failure: its class or code, never its text. */
export const errorName = (e: unknown): string =>
  typeof e === 'object' && e !== null && typeof (e as { code?: unknown }).code === 'string'
    ? (e as { code: string }).code
    : e instanceof Error
      ? e.name
      : 'error';
