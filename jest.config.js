/** Test projects by suffix: unit (fakes only), int (real PostgreSQL/Redis/HTTP), e2e (the started service). */
const base = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': [
      'ts-jest',
      // Type errors are tsc's job in `npm test`; jest only transpiles.
      { tsconfig: 'tsconfig.json', diagnostics: false },
    ],
  },
};
module.exports = {
  // Runs once per run, after the summary: says why suites were skipped.
  globalTeardown: '<rootDir>/test/support/skip-notice.ts',
  projects: [
    { ...base, displayName: 'unit', testMatch: ['<rootDir>/{src,test}/**/*.unit.test.ts'] },
    {
      ...base,
      displayName: 'int',
      testMatch: ['<rootDir>/{src,test}/**/*.int.test.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/support/long-timeout.ts'],
    },
    {
      ...base,
      displayName: 'e2e',
      testMatch: ['<rootDir>/{src,test}/**/*.e2e.test.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/support/long-timeout.ts'],
    },
  ],
};
