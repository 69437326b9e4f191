import { err, ok, type Result } from 'neverthrow';
import type { SchemaValidator, ValidateJson } from '../../ports';
import { SchemaCompiler } from './schema-compiler';
import { schemaKey } from './schema-key';

/**
 * SchemaValidator over Ajv on the calling thread, with no deadline: for tests and tools that
 * trust their schemas. The service uses WorkerSchemaValidator, which cannot be stalled.
 */
export class AjvSchemaValidator implements SchemaValidator {
  private readonly compiler: SchemaCompiler;

  constructor(maxSchemas = 256) {
    this.compiler = new SchemaCompiler(maxSchemas);
  }

  compile(schema: Readonly<Record<string, unknown>>): Promise<Result<ValidateJson, string>> {
    const key = schemaKey(schema);
    const c = this.compiler.compile(key, schema);
    if (!c.ok) return Promise.resolve(err(c.reason));
    const validate: ValidateJson = (json) =>
      Promise.resolve(this.compiler.validate(key, schema, json));
    return Promise.resolve(ok(validate));
  }
}
