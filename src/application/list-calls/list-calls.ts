import { errAsync, ResultAsync } from 'neverthrow';
import {
  associationIdProblem,
  CALL_STATUSES,
  decimalInteger,
  decodeCursor,
  inferenceError,
  isLevel,
  LEVELS,
  type CallStatus,
  type InferenceError,
} from '../../domain';
import type { CallRecords, CallsPage, CallsQuery } from '../../ports';
import { errorName } from '../get-usage/get-usage';

/** Raw listing parameters, as strings from a query string. */
export interface ListCallsParams {
  readonly limit?: string | number | undefined;
  readonly before?: string | undefined;
  readonly level?: string | undefined;
  readonly projectId?: string | undefined;
  readonly status?: string | undefined;
  /** Only calls made with this consumer key. */
  readonly keyId?: string | undefined;
}

const STATUSES: readonly CallStatus[] = CALL_STATUSES;
/** Page size when none is asked for, and the most one page holds. */
export const DEFAULT_PAGE = 50;
export const MAX_PAGE = 500;

const invalid = (field: string, detail: string): InferenceError =>
  inferenceError('invalid_request', `${field}: ${detail}`, { field });

/** Validates listing parameters; the error names the parameter. */
export const parseListCallsParams = (p: ListCallsParams): CallsQuery | InferenceError => {
  const limit =
    p.limit === undefined || p.limit === ''
      ? DEFAULT_PAGE
      : typeof p.limit === 'number'
        ? p.limit
        : decimalInteger(p.limit);
  if (limit === undefined || !Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) {
    return invalid('limit', `must be an integer from 1 to ${MAX_PAGE}, got "${p.limit}"`);
  }
  const before = p.before ? decodeCursor(p.before) : undefined;
  if (p.before && !before) return invalid('before', 'not a cursor from a previous page');
  if (p.level && !isLevel(p.level)) {
    return invalid('level', `must be one of ${LEVELS.join(', ')}, got "${p.level}"`);
  }
  const idProblem = p.projectId ? associationIdProblem(p.projectId) : undefined;
  if (idProblem) return invalid('projectId', idProblem);
  if (p.keyId && !/^[a-z0-9]{12}$/.test(p.keyId)) {
    return invalid('keyId', 'must be a key id (12 characters a-z, 0-9)');
  }
  const status = p.status as CallStatus | undefined;
  if (status && !STATUSES.includes(status)) {
    return invalid('status', `must be one of ${STATUSES.join(', ')}, got "${p.status}"`);
  }
  return {
    limit,
    before,
    level: isLevel(p.level) ? p.level : undefined,
    projectId: p.projectId || undefined,
    status: status || undefined,
    keyId: p.keyId || undefined,
  };
};

/** Lists call records newest first, with cursor paging. */
export const makeListCalls =
  (records: CallRecords) =>
  (params: ListCallsParams): ResultAsync<CallsPage, InferenceError> => {
    const q = parseListCallsParams(params);
    if ('code' in q) return errAsync(q);
    return ResultAsync.fromPromise(records.list(q), (e) =>
      inferenceError(
        'unavailable',
        `calls could not be read: the database did not answer (${errorName(e)})`,
      ),
    );
  };
