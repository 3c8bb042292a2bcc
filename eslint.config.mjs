import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

/**
 * The only folders of lib/ that may talk to AWS (or to the embedded DynamoDB): the adapters behind the
 * ports, and the Lambda wiring. Everything else in lib/ is the pure core: decoding, evaluating,
 * proposing, rendering, aggregating; plain data in, plain data out.
 */
const ADAPTER_FOLDERS = [
  'lib/policy/sources/**',
  'lib/incidents/dynamodb/**',
  'lib/incidents/embedded/**',
  'lib/notify/sinks/**',
  'lib/bedrock/sources/**',
  'lib/history/**',
  'lib/lambda/**',
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.serverless/**', '.esbuild/**', '.access-auditor/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    // Small units: a file says one thing, a function does one step.
    files: ['lib/**/*.ts', 'cli/**/*.ts', 'functions/**/*.ts'],
    rules: {
      'max-lines': ['error', { max: 400 }],
      'max-lines-per-function': ['error', { max: 80 }],
    },
  },
  {
    files: ['lib/**/*.ts'],
    ignores: ADAPTER_FOLDERS,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@aws-sdk/*', '@smithy/*'],
              message: 'The core is pure: AWS SDK calls belong in an adapter folder (see ADAPTER_FOLDERS in eslint.config.mjs).',
            },
            { group: ['dynalite'], message: 'The embedded DynamoDB lives in lib/incidents/embedded only.' },
          ],
        },
      ],
    },
  },
  {
    files: ['scripts/**/*.mjs', 'scripts/**/*.js', 'bin/**', 'deploy/**/*.js', 'deploy/**/*.mjs', 'tests/**/*.js', '*.js', '*.mjs'],
    languageOptions: { globals: { ...globals.node } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
