/** JSON Schema validation (Ajv). */
export { AjvSchemaValidator } from './ajv-schema-validator';
