/** Imports point one way: domain ← ports ← application ← adapters ← composition. */
module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment: 'domain imports nothing outside domain/ (node built-ins and pure libraries aside)',
      severity: 'error',
      from: { path: '^src/domain' },
      to: { path: '^src/(?!domain)' },
    },
    {
      name: 'domain-no-io-libraries',
      severity: 'error',
      from: { path: '^src/domain' },
      to: { dependencyTypes: ['npm'], pathNot: 'node_modules/(neverthrow|zod)/' },
    },
    {
      name: 'ports-over-domain-only',
      severity: 'error',
      from: { path: '^src/ports' },
      to: { path: '^src/(?!domain|ports)' },
    },
    {
      name: 'application-over-domain-and-ports',
      comment: 'use-case tests may use the in-memory fakes; use cases may not',
      severity: 'error',
      from: { path: '^src/application', pathNot: '\\.test\\.ts$' },
      to: { path: '^src/(?!domain|ports|application)' },
    },
    {
      name: 'application-no-npm-io',
      comment: 'use cases reach the world through ports only',
      severity: 'error',
      from: { path: '^src/application' },
      to: { dependencyTypes: ['npm'], pathNot: 'node_modules/(neverthrow|zod)/' },
    },
    {
      name: 'adapters-not-composition',
      severity: 'error',
      from: { path: '^src/adapters' },
      to: { path: '^src/composition' },
    },
    {
      name: 'adapters-keep-to-themselves',
      comment:
        'an adapter never imports another adapter family; what two share lives in domain/ or ports/ (tests may compare adapters)',
      severity: 'error',
      from: { path: '^src/adapters/([^/]+)/', pathNot: '\\.test\\.ts$' },
      to: {
        path: '^src/adapters/([^/]+)/',
        pathNot: '^src/adapters/$1/',
      },
    },
    {
      name: 'inversify-only-in-composition',
      severity: 'error',
      from: { pathNot: '^src/composition' },
      to: { path: 'node_modules/inversify' },
    },
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
  },
};
