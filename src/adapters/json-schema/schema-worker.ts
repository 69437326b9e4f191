// The body of a schema worker thread (see WorkerPool): Ajv compiles and validates here, so a
// schema whose regular expressions backtrack for seconds blocks this thread, never the service.
import { parentPort } from 'node:worker_threads';
import { SchemaCompiler } from './schema-compiler';
import type { SchemaJob, SchemaReply } from './schema-job';

const compiler = new SchemaCompiler();
const port = parentPort;
if (port) {
  port.on('message', (job: SchemaJob) => {
    const compiled = compiler.compile(job.key, job.schema);
    const problem =
      job.json === undefined
        ? compiled.ok
          ? undefined
          : compiled.reason
        : compiler.validate(job.key, job.schema, job.json);
    port.postMessage({ id: job.id, problem } satisfies SchemaReply);
  });
  port.postMessage('ready');
}
