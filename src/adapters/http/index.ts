/** The HTTP adapter: Koa app of the HTTP API, metrics, OpenAPI, and binding checks. */
export * from './app';
export * from './context';
export * from './problem';
export * from './metrics';
export * from './host';
export { OPEN_ROUTES, isOpenRoute } from './auth';
export { onClientError } from './client-error';
export { safeError } from './log-safe';
export { openApiDocument } from './openapi';
export { modelCatalog, type ModelCatalog } from './openai/catalog';
export { callLogFields } from './call-observer';
