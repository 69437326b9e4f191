import { hash } from 'node:crypto';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020';
import { err, ok, type Result } from 'neverthrow';
import { canonicalJson } from '../../domain';
import type { SchemaValidator, ValidateJson } from '../../ports';

/**
 * SchemaValidator over Ajv (JSON Schema draft 2020-12). Each schema is compiled once and kept by
 * the SHA-256 of its canonical JSON, so the same schema sent by many calls compiles once; the
 * cache is bounded, least recently used first out.
 */
export class AjvSchemaValidator implements SchemaValidator {
  private readonly ajv = new Ajv2020({ allErrors: false, strict: false, validateFormats: false });
  private readonly compiled = new Map<string, ValidateJson>();

  constructor(private readonly maxSchemas = 256) {}

  compile(schema: Readonly<Record<string, unknown>>): Result<ValidateJson, string> {
    const key = hash('sha256', canonicalJson(schema), 'hex');
    const known = this.compiled.get(key);
    if (known) {
      this.compiled.delete(key);
      this.compiled.set(key, known);
      return ok(known);
    }
    let fn: ValidateFunction;
    try {
      fn = this.ajv.compile(schema);
    } catch (e) {
      return err(e instanceof Error ? e.message : String(e));
    } finally {
      // Ajv keeps every compiled schema by $id too; ours are keyed here, so drop its copy.
      this.ajv.removeSchema(schema);
    }
    const validate: ValidateJson = (value) => {
      if (fn(value)) return undefined;
      const e = fn.errors?.[0];
      return `${e?.instancePath || '(root)'}: ${e?.message ?? 'invalid'}`;
    };
    if (this.compiled.size >= this.maxSchemas) {
      const oldest = this.compiled.keys().next().value;
      if (oldest !== undefined) this.compiled.delete(oldest);
    }
    this.compiled.set(key, validate);
    return ok(validate);
  }
}
