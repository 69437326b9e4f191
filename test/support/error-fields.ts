import type { InferenceError } from '../../src/domain';

/** The field an `invalid_request` names; undefined for any other code. */
export const fieldOf = (e: InferenceError): string | undefined =>
  e.code === 'invalid_request' ? e.field : undefined;
