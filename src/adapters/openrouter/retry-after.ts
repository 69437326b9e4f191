/**
 * Milliseconds a `Retry-After` header asks for: whole (or decimal) seconds, or an HTTP date
 * relative to `now`. Undefined when absent or unreadable, so the computed backoff applies.
 */
export const parseRetryAfter = (
  value: string | null | undefined,
  now: number,
): number | undefined => {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  // An HTTP date always names a weekday or month; plain numbers were handled above.
  if (!/[a-z]/i.test(text)) return undefined;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
};
