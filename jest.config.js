/**
 * Tests transpile only (type-checking is `npm run typecheck`), which keeps them fast.
 * @middy/core ships only as ES modules: Jest's CommonJS loader cannot require it, so it is transpiled too.
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.[tj]s$': ['ts-jest', { diagnostics: false, tsconfig: { allowJs: true } }] },
  transformIgnorePatterns: ['/node_modules/(?!@middy/)'],
  testTimeout: 30000,
  setupFiles: ['<rootDir>/tests/support/quiet-sdk.js'],
  reporters: ['default', '<rootDir>/tests/support/summary-reporter.js'],
};
