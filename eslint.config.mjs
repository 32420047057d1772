// Lint: type-aware rules everywhere; under workflows/ only deterministic code is allowed,
// so Node built-ins and I/O modules are banned there (the Temporal bundler would reject many
// of them anyway, but only at worker start).
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';
import globals from 'globals';

const ioModules = ['kafkajs', 'twilio', '@sendgrid/*', 'pg', '@electric-sql/*', 'fastify', 'pino', 'prom-client', 'liquidjs', '@temporalio/client', '@temporalio/worker', '@temporalio/activity', '@temporalio/testing'];
const builtins = builtinModules.flatMap((m) => [m, `node:${m}`]);

// Layer fences (docs/architecture.md, "Layers"): workflows/ at the bottom imports only itself; core/ (shared
// libraries) imports the workflows' contracts and the pure engine, never a role or an activity; activities/
// imports core/ and workflows/, never services/; services/ (the runnable roles) imports activities/ only in
// the worker role (which registers them) and main (which starts every role). Lint fails on a new back arrow.
const fence = (dirs) => dirs.flatMap((d) => [`**/${d}`, `**/${d}/**`]);
const workflowPatterns = [
  { group: ioModules, message: 'Workflow code must be deterministic: do I/O in an activity.' },
  // Fence: workflows/ imports only itself (and @temporalio/workflow); the activities it calls are declared in workflows/contracts.ts.
  { group: fence(['activities', 'services', 'core', 'infra', 'test']), message: 'workflows/ imports only workflows/ (declare an activity contract in workflows/contracts.ts).' },
];
const layer = (files, patterns, ignores = []) => ({ files, ignores, rules: { 'no-restricted-imports': ['error', { patterns }] } });

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
            ...workflowPatterns,
            // Every journey evaluates the modules its workflow imports: zod and the engine's schema modules stay out of the bundle.
            { group: ['zod', 'zod/*'], allowTypeImports: true, message: 'Workflow code imports no zod at run time: check with workflows/engine/checks.ts, parse at the boundaries.' },
            { regex: '(^|/)(engine(/index)?|definition|inputs|simulate)$', allowTypeImports: true, message: 'Workflow code imports the engine\'s zod-free modules (decide, state, checks, vocabulary, …), types only from its schema modules.' },
          ],
        },
      ],
      // The worker preloads workflow code, so every journey shares one copy of each module (core/temporal/workflow-code.ts).
      'no-restricted-syntax': [
        'error',
        ...['Program > VariableDeclaration[kind!="const"]', 'Program > ExportNamedDeclaration > VariableDeclaration[kind!="const"]'].map((selector) => ({
          selector,
          message: 'Every journey shares workflow modules (the worker preloads them): module-level values are constants; keep a journey\'s state inside its workflow function.',
        })),
      ],
      'no-restricted-globals': ['error', { name: 'setTimeout', message: 'Use sleep() or condition() from @temporalio/workflow.' }, { name: 'setInterval', message: 'Use sleep() in a loop.' }, { name: 'process', message: 'Workflows get configuration through their input.' }],
    },
  },
  {
    // The engine's boundary door and schema modules: zod lives here, and no workflow imports them at run time.
    files: ['workflows/engine/index.ts', 'workflows/engine/definition.ts', 'workflows/engine/inputs.ts', 'workflows/engine/simulate.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: builtins.map((name) => ({ name, message: 'No Node built-ins under workflows/.' })), patterns: workflowPatterns }] },
  },
  layer(['core/**/*.ts'], [
    { group: fence(['services', 'activities', 'infra', 'test']), message: 'core/ imports no role, activity, infra or test code.' },
    {
      group: ['**/workflows/**', '!**/workflows/shared', '!**/workflows/contracts', '!**/workflows/engine', '!**/workflows/engine/*'],
      message: 'core/ imports only the workflows\' contracts (workflows/shared, workflows/contracts) and the pure engine (workflows/engine).',
    },
    // The journey client names the workflow functions it starts: a type-only import of workflows/index.
    { regex: '(^|/)workflows(/index)?$', allowTypeImports: true, message: 'core/ may import the workflow functions as types only.' },
  ]),
  layer(['activities/**/*.ts'], [{ group: fence(['services', 'infra', 'test']), message: 'activities/ imports core/ and workflows/, never services/ (move the library to core/).' }]),
  layer(['services/**/*.ts'], [{ group: fence(['activities', 'infra', 'test']), message: 'Only the worker role and main import activities/; move a shared library to core/.' }], ['services/worker/**', 'services/main.ts']),
  layer(['services/worker/**/*.ts', 'services/main.ts'], [{ group: fence(['infra', 'test']), message: 'Roles import no infra or test code.' }]),
  {
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
);
