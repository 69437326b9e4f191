/** The domain core: values, events, pricing, hashing and errors. Imports nothing outside itself. */
export * from './levels';
export * from './model-choice';
export * from './errors';
export * from './money';
export * from './hashing';
export * from './canonical-json';
export * from './request';
export * from './events';
export * from './call-record';
export * from './usage';
export * from './cursor';
export * from './well-formed';
export * from './secret-scrub';
export * from './decimal';
export * from './call-log-events';
export * from './estimate';
export * from './budgets';
