import { hash } from 'node:crypto';
import { Ajv, type Options } from 'ajv';
import { Ajv2019 } from 'ajv/dist/2019';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020';
import { err, ok, type Result } from 'neverthrow';
import { canonicalJson } from '../../domain';
import type { SchemaValidator, ValidateJson } from '../../ports';

const OPTIONS: Options = { allErrors: false, strict: false, validateFormats: false };

/** The dialect a schema declares in `$schema`: draft-07 (and -06), 2019-09, else 2020-12. */
const dialectOf = (
  schema: Readonly<Record<string, unknown>>,
): 'draft-07' | '2019-09' | '2020-12' => {
  const declared = typeof schema.$schema === 'string' ? schema.$schema : '';
  if (/draft-0[67]\//.test(declared)) return 'draft-07';
  if (/draft\/2019-09\//.test(declared)) return '2019-09';
  return '2020-12';
};

/**
 * SchemaValidator over Ajv: JSON Schema draft 2020-12, or draft-07 or 2019-09 when the schema's
 * `$schema` names that dialect (as schemas written for OpenAI's structured outputs often do). Each schema is compiled once and kept by
 * the SHA-256 of its canonical JSON, so the same schema sent by many calls compiles once; the
 * cache is bounded, least recently used first out.
 */
export class AjvSchemaValidator implements SchemaValidator {
  private readonly dialects = {
    'draft-07': new Ajv(OPTIONS),
    '2019-09': new Ajv2019(OPTIONS),
    '2020-12': new Ajv2020(OPTIONS),
  };
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
    const ajv = this.dialects[dialectOf(schema)];
    let fn: ValidateFunction;
    try {
      fn = ajv.compile(schema);
    } catch (e) {
      return err(e instanceof Error ? e.message : String(e));
    } finally {
      // Ajv keeps every compiled schema by $id too; ours are keyed here, so drop its copy.
      ajv.removeSchema(schema);
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
