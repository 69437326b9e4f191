import { err, ok, type Result } from 'neverthrow';
import type { SchemaValidator, ValidateJson } from '../../ports';
import { schemaKey } from './schema-key';
import { WorkerPool } from './worker-pool';

/** What the worker-backed validator needs. */
export interface WorkerSchemaValidatorOptions {
  /** Each compile and each validation must end within this (`structured_output.validate_timeout_ms`). */
  readonly deadlineMs: number;
  /** Worker threads at most. */
  readonly workers: number;
  /** Compile outcomes kept (valid and invalid alike), least recently used out first. */
  readonly maxSchemas?: number;
}

type Outcome = Promise<Result<ValidateJson, string>>;

/**
 * SchemaValidator whose compiles and validations run in a small pool of worker threads, each
 * bounded by a deadline: a schema with a catastrophic regular expression (or one too costly
 * to compile) stalls a worker, which is terminated and replaced, never the event loop. Compile
 * outcomes are kept by schema hash, failures too, so a schema refused once is refused at once.
 */
export class WorkerSchemaValidator implements SchemaValidator {
  private readonly pool: WorkerPool;
  private readonly outcomes = new Map<string, Outcome>();
  private readonly maxSchemas: number;

  constructor(private readonly o: WorkerSchemaValidatorOptions) {
    this.pool = new WorkerPool(o.workers, o.deadlineMs);
    this.maxSchemas = o.maxSchemas ?? 256;
  }

  compile(schema: Readonly<Record<string, unknown>>): Outcome {
    const key = schemaKey(schema);
    const known = this.outcomes.get(key);
    if (known) {
      this.outcomes.delete(key);
      this.outcomes.set(key, known);
      return known;
    }
    const outcome = this.pool.run({ key, schema }).then((r) => {
      if (!r.done) return err(`compiling it took longer than ${this.o.deadlineMs} ms`);
      if (r.reply.problem !== undefined) return err(r.reply.problem);
      return ok(this.validator(key, schema));
    });
    if (this.outcomes.size >= this.maxSchemas) {
      const oldest = this.outcomes.keys().next().value;
      if (oldest !== undefined) this.outcomes.delete(oldest);
    }
    this.outcomes.set(key, outcome);
    return outcome;
  }

  /** Terminates the workers. */
  close(): Promise<void> {
    return this.pool.close();
  }

  private validator(key: string, schema: Readonly<Record<string, unknown>>): ValidateJson {
    return (json) =>
      this.pool
        .run({ key, schema, json })
        .then((r) =>
          r.done
            ? r.reply.problem
            : `(root): not checked: validating it took longer than ${this.o.deadlineMs} ms`,
        );
  }
}
