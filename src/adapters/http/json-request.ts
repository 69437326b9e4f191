import { err, type Result } from 'neverthrow';
import { charsetOf, isJsonType, parseJson, readBody } from './body';
import type { HttpContext } from './context';
import { problem, type ProblemResponse } from './problem';

/**
 * A request's JSON body: the content type must be JSON (or absent) in UTF-8 (another charset is
 * a 415), the body uncompressed and at
 * most `maxBodyBytes`. A 413 also marks the connection to close: the rest of an oversized body
 * is discarded, not read.
 */
export const readJsonRequest = async (
  ctx: HttpContext,
  maxBodyBytes: number,
): Promise<Result<unknown, ProblemResponse>> => {
  const type = ctx.get('Content-Type');
  if (type !== '' && !isJsonType(type)) {
    return err(problem('invalid_request', 'content-type: must be application/json'));
  }
  const charset = charsetOf(type);
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
    return err(problem('unsupported_media_type', 'content-type: the charset must be utf-8'));
  }
  const encoding = ctx.get('Content-Encoding').toLowerCase();
  if (encoding !== '' && encoding !== 'identity') {
    return err(problem('invalid_request', 'content-encoding: send the body uncompressed'));
  }
  const bytes = await readBody(ctx.req, maxBodyBytes);
  if (bytes.isErr()) {
    if (bytes.error.status === 413) ctx.set('Connection', 'close');
    return err(bytes.error);
  }
  return parseJson(bytes.value);
};
