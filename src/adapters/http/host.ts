import { isIP } from 'node:net';

/** True when `host` only accepts connections from this machine. */
export const isLoopbackHost = (host: string): boolean => {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (h.startsWith('::ffff:')) return h.slice(7).startsWith('127.');
  return h === '::1';
};

/**
 * Why the server must not listen on `host`, or null. Anyone who can reach a non-loopback
 * address could spend the OpenRouter budget, so a token is required there.
 */
export const bindingRefusal = (host: string, authToken: string): string | null =>
  authToken === '' && !isLoopbackHost(host)
    ? `refusing to listen on ${host} without an auth token: set server.auth_token or ` +
      'INFERENCE_API_TOKEN, or listen on a loopback host such as 127.0.0.1'
    : null;
