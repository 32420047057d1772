/**
 * Jest projects mirror test/: unit (pure modules), workflow (time-skipping test server),
 * integration (the real local stack), e2e (public interfaces), cluster (the production shape under faults).
 * `npm test` runs them all; `npm run test:cluster` runs only cluster; `npx jest --selectProjects unit` runs one.
 */
const transform = { '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } }] };
const project = (name, extra = {}) => ({
  displayName: name,
  testEnvironment: 'node',
  transform,
  testMatch: [`<rootDir>/test/${name}/**/*.test.ts`],
  moduleFileExtensions: ['ts', 'js', 'json'],
  ...extra,
});

module.exports = {
  projects: [
    project('unit'),
    project('workflow'),
    project('integration'),
    project('e2e'),
    // The production shape (infra/cluster) under faults: Temporal server, three Kafka nodes, PostgreSQL, roles as processes.
    project('cluster'),
  ],
  testTimeout: 120000,
  // Test files run in a worker process (not in jest's own), replaced once its JavaScript heap holds more than this after a
  // file: each file loads the SDKs again. (Its RSS grows past that heap, to 7-10 GB over integration and e2e: README.)
  workerIdleMemoryLimit: '2GB',
};
