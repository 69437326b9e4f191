/** JSON Schema validation (Ajv): in worker threads with a deadline, or on the calling thread. */
export { AjvSchemaValidator } from './ajv-schema-validator';
export { WorkerSchemaValidator } from './worker-schema-validator';
