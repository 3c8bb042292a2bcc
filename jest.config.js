/**
 * Tests transpile only (type-checking is `npm run typecheck`), which keeps them fast: `isolatedModules`
 * makes ts-jest transpile each file on its own instead of building a TypeScript program (a fresh
 * checkout, with no transform cache, runs much faster; the code already compiles under isolatedModules).
 * @middy/core ships only as ES modules: Jest's CommonJS loader cannot require it, so it is transpiled too.
 *
 * One worker per core: Jest's default (cores - 1) runs every suite in one process on a 2-core machine.
 * The deploy suites share one `osls package` per run (tests/deploy/package-central.ts): globalSetup
 * makes the run's scratch folder and, when the run includes them, starts packaging into it in the
 * background; globalTeardown removes it. ACCESS_AUDITOR_PACKAGE_DIR names a package made beforehand.
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  transform: { '^.+\\.[tj]s$': ['ts-jest', { diagnostics: false, tsconfig: { allowJs: true, isolatedModules: true } }] },
  transformIgnorePatterns: ['/node_modules/(?!@middy/)'],
  testTimeout: 30000,
  maxWorkers: '100%',
  globalSetup: '<rootDir>/tests/support/global-setup.ts',
  globalTeardown: '<rootDir>/tests/support/global-teardown.ts',
  setupFiles: ['<rootDir>/tests/support/quiet-sdk.js'],
  reporters: ['default', '<rootDir>/tests/support/summary-reporter.js'],
};
