// Lint: type-aware rules everywhere; under workflows/ only deterministic code is allowed,
// so Node built-ins and I/O modules are banned there (the Temporal bundler would reject many
// of them anyway, but only at worker start).
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';
import globals from 'globals';

const ioModules = ['kafkajs', 'twilio', '@sendgrid/*', 'pg', '@electric-sql/*', 'fastify', 'pino', 'prom-client', 'liquidjs', '@temporalio/client', '@temporalio/worker', '@temporalio/activity', '@temporalio/testing'];
const builtins = builtinModules.flatMap((m) => [m, `node:${m}`]);

export default tseslint.config(
  { ignores: ['node_modules/**', '.local/**', '.data/**', 'dist/**', 'coverage/**', 'test-artifacts/**', 'jest.config.js', '**/*.mjs', '**/*.cjs'] },
  {
    // The console's no-build browser script: plain JavaScript, browser globals, no type information.
    files: ['public/**/*.js'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { sourceType: 'script', globals: globals.browser },
    rules: {
      'no-undef': 'error',
      'no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'smart'],
    },
  },
  { files: ['**/*.ts'], extends: [...tseslint.configs.recommendedTypeChecked] },
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      // Handlers are often async to satisfy an interface (kafkajs, Fastify) without awaiting anything.
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
    },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: builtins.map((name) => ({ name, message: 'Workflow code must be deterministic: no Node built-ins under workflows/.' })),
          patterns: [
            { group: ioModules, message: 'Workflow code must be deterministic: do I/O in an activity.' },
            { group: ['**/activities/*', '**/activities', '**/services/*', '!**/activities/index'], allowTypeImports: true, message: 'Import activities and services with `import type` only.' },
          ],
        },
      ],
      'no-restricted-globals': ['error', { name: 'setTimeout', message: 'Use sleep() or condition() from @temporalio/workflow.' }, { name: 'setInterval', message: 'Use sleep() in a loop.' }, { name: 'process', message: 'Workflows get configuration through their input.' }],
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
);
