/** An error as it may appear in a log line: no raw request bytes, headers or other attachments. */
export interface SafeError {
  readonly type: string;
  readonly message: string;
  readonly code?: string;
  readonly stack?: string;
}

const MAX_MESSAGE = 2000;

/**
 * The loggable part of an error. Node's HTTP parser errors carry `rawPacket` (the request's raw
 * bytes, bearer token included) and other libraries attach requests, headers or configs, so only
 * the name, message, code and stack are kept, never the error's other fields.
 */
export const safeError = (e: unknown): SafeError => {
  if (typeof e !== 'object' || e === null) return { type: typeof e, message: String(e) };
  const { name, message, code, stack } = e as Record<string, unknown>;
  const text = typeof message === 'string' ? message : '';
  return {
    type: typeof name === 'string' ? name : 'Error',
    message: text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE)}…` : text,
    ...(typeof code === 'string' ? { code } : {}),
    ...(typeof stack === 'string' ? { stack: stack.slice(0, 2 * MAX_MESSAGE) } : {}),
  };
};
