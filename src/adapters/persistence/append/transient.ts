/**
 * SQLSTATE classes worth retrying: connection exceptions, transaction rollbacks (serialization,
 * deadlock), insufficient resources, object not in prerequisite state (locks), operator
 * intervention (shutdown, cannot connect now), system and internal errors.
 */
const RETRYABLE_CLASSES = new Set(['08', '40', '53', '55', '57', '58', 'XX']);

/**
 * True when a failed write may succeed later: the server refused for a passing reason, or it
 * could not be reached at all (refused or reset connections, DNS, pool and statement timeouts
 * carry no SQLSTATE). False when PostgreSQL rejected the statement itself (bad data, a missing
 * table): retrying that would block every later event.
 */
export const isTransient = (e: unknown): boolean => {
  if (typeof e !== 'object' || e === null) return true;
  const { code, severity } = e as { code?: unknown; severity?: unknown };
  if (typeof severity !== 'string' || typeof code !== 'string') return true;
  return RETRYABLE_CLASSES.has(code.slice(0, 2));
};

/** A one-line description of a failure for logs and `status.logging.lastError`. */
export const describeError = (e: unknown): string => {
  if (!(e instanceof Error)) return String(e);
  const code = (e as { code?: unknown }).code;
  const text = e.message || (e as AggregateError).errors?.map(describeError).join('; ') || e.name;
  return typeof code === 'string' && !text.includes(code) ? `${code}: ${text}` : text;
};

/**
 * What `status.logging.lastError` shows of a failure: its kind and code without the driver's
 * message, which may quote the SQL statement and the data in it (that goes to the log only).
 */
export const publicDescription = (e: unknown): string => {
  if (typeof e !== 'object' || e === null) return 'the database write failed';
  // Our own sentence, with no driver text in it.
  if (e instanceof Error && e.name === 'DatabaseUnavailableError') return e.message;
  const { code, severity } = e as { code?: unknown; severity?: unknown };
  if (typeof severity === 'string' && typeof code === 'string') {
    return `the database refused the write (SQLSTATE ${code})`;
  }
  if (typeof code === 'string' && /^[A-Z_]{3,40}$/.test(code)) {
    return `the database could not be reached (${code})`;
  }
  const errors = (e as { errors?: unknown }).errors;
  if (Array.isArray(errors) && errors.length > 0) return publicDescription(errors[0]);
  const name = (e as { name?: unknown }).name;
  return name === 'KnexTimeoutError' || name === 'WriteTimeoutError'
    ? 'the database did not answer in time'
    : 'the database write failed';
};
