import { hash } from 'node:crypto';
import { canonicalJson } from '../../domain';

/** A schema's identity: SHA-256 of its canonical JSON, so key order does not matter. */
export const schemaKey = (schema: Readonly<Record<string, unknown>>): string =>
  hash('sha256', canonicalJson(schema), 'hex');
