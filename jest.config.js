/** Backend tests run as CommonJS through @swc/jest; types are checked separately by `npm run typecheck`. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/core', '<rootDir>/actors', '<rootDir>/queues', '<rootDir>/http', '<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }],
    // ccxt's CommonJS build requires these ESM-only packages; Jest's module loader cannot, so they are compiled.
    '^.+/node_modules/@(noble|scure)/.+\\.js$': [
      '@swc/jest',
      { jsc: { target: 'es2022' }, module: { type: 'commonjs' } },
    ],
  },
  transformIgnorePatterns: ['^(?!.*/node_modules/@(noble|scure)/).*/node_modules/'],
  globalSetup: '<rootDir>/test/global-setup.ts',
  testTimeout: 30000,
  // Suites share one database (debug mode is a singleton row): one at a time keeps them independent.
  maxWorkers: 1,
};
