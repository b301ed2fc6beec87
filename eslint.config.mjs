import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

// Workflow code runs in Temporal's deterministic sandbox: no I/O, no clocks, no side-effect libraries.
// Activities may only be imported as types (their code runs on the worker, never in the sandbox).
const forbiddenInWorkflows = [
  ...builtinModules,
  ...builtinModules.map((m) => `node:${m}`),
  'nodemailer',
  'handlebars',
  'yaml',
  'luxon',
  'date-holidays',
  'smtp-server',
  'fastify',
  '@temporalio/client',
  '@temporalio/worker',
  '@temporalio/activity',
  'kysely',
  'pg',
  '@electric-sql/pglite',
  '@electric-sql/pglite-socket',
];

export default tseslint.config(
  { ignores: ['node_modules/**', '.tools/**', '.data/**', 'dist/**', 'dist-bench/**', 'test-output/**', 'coverage/**', '*.js', '*.mjs'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Workflow state is declared before the handlers that read it and assigned later.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
    },
  },
  {
    // The bin shim is CommonJS on purpose: it registers tsx before loading the TypeScript CLI.
    files: ['bin/*.js', 'jest.config.js', 'scripts/**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable', __dirname: 'readonly', process: 'readonly', console: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: forbiddenInWorkflows.map((name) => ({ name, message: 'Workflow code is sandboxed: do this in an activity.' })),
          patterns: [
            {
              group: ['../activities', '../activities/*', '../config', '../config/*', '../templates/*'],
              allowTypeImports: true,
              message: 'Import activities and config as types only (`import type`); workflows get their data from activities.',
            },
            {
              group: ['../records', '../records/*', '**/records/*'],
              message: 'Workflows never touch the database of record: activities write and read it.',
            },
          ],
        },
      ],
      'no-restricted-globals': ['error', { name: 'process', message: 'Workflows must not read the environment.' }, { name: 'setTimeout', message: 'Use sleep() or condition() from @temporalio/workflow.' }],
    },
  },
);
