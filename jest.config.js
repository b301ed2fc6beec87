/** Tests run against real servers, so they are slow by unit-test standards: the timeout is generous. */
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  testTimeout: 120_000,
  // Two cores: each real-server test file starts its own Temporal server and worker.
  maxWorkers: 2,
};
