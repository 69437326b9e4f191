import { Ajv, type Options } from 'ajv';
import { Ajv2019 } from 'ajv/dist/2019';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020';

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
 * Why a schema did not compile, in words of our own: Ajv's account of an invalid schema is
 * kept (it names the keyword), but what the JavaScript engine throws (a stack overflow, a
 * regular-expression syntax error) is never quoted.
 */
export const compileFailure = (e: unknown): string => {
  if (e instanceof RangeError) return 'too large or too deeply nested to compile';
  if (e instanceof SyntaxError) {
    return /regular expression/i.test(e.message)
      ? 'a pattern is not a valid regular expression'
      : 'it could not be compiled';
  }
  if (e instanceof Error && /^(schema is invalid|can't resolve reference)/.test(e.message)) {
    return e.message.slice(0, 300);
  }
  return 'it could not be compiled';
};

/** A compiled schema, or why not. */
export type Compiled = { ok: true; fn: ValidateFunction } | { ok: false; reason: string };

/**
 * Ajv over JSON Schema 2020-12, or draft-07 or 2019-09 when `$schema` names that dialect (as
 * schemas written for OpenAI's structured outputs often do). Compiled schemas are kept by the
 * key their caller gives (a hash of the canonical schema), least recently used out first.
 * Synchronous: it runs where it is put (a worker thread in the service).
 */
export class SchemaCompiler {
  private readonly dialects = {
    'draft-07': new Ajv(OPTIONS),
    '2019-09': new Ajv2019(OPTIONS),
    '2020-12': new Ajv2020(OPTIONS),
  };
  private readonly compiled = new Map<string, Compiled>();

  constructor(private readonly maxSchemas = 256) {}

  /** The compiled schema under `key`, compiling `schema` if it is not kept. */
  compile(key: string, schema: Readonly<Record<string, unknown>>): Compiled {
    const known = this.compiled.get(key);
    if (known) {
      this.compiled.delete(key);
      this.compiled.set(key, known);
      return known;
    }
    const ajv = this.dialects[dialectOf(schema)];
    let result: Compiled;
    try {
      result = { ok: true, fn: ajv.compile(schema) };
    } catch (e) {
      result = { ok: false, reason: compileFailure(e) };
    } finally {
      // Ajv keeps every compiled schema by $id too; ours are keyed here, so drop its copy.
      try {
        ajv.removeSchema(schema);
      } catch {
        // nothing kept
      }
    }
    if (this.compiled.size >= this.maxSchemas) {
      const oldest = this.compiled.keys().next().value;
      if (oldest !== undefined) this.compiled.delete(oldest);
    }
    this.compiled.set(key, result);
    return result;
  }

  /** The first violation of `json` against the schema under `key`, or undefined. */
  validate(
    key: string,
    schema: Readonly<Record<string, unknown>>,
    json: string,
  ): string | undefined {
    const c = this.compile(key, schema);
    if (!c.ok) return `(root): the schema could not be compiled (${c.reason})`;
    try {
      if (c.fn(JSON.parse(json))) return undefined;
    } catch (e) {
      if (e instanceof RangeError) return '(root): too deeply nested to check';
      return '(root): could not be checked';
    }
    const e = c.fn.errors?.[0];
    return `${e?.instancePath || '(root)'}: ${e?.message ?? 'invalid'}`;
  }
}
