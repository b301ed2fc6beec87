/** Tests run against real servers, so they are slow by unit-test standards: the timeout is generous. */
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.(ts|js)$': ['@swc/jest'] },
  // cookie@2 is ESM-only and Fastify's inject requires it; Jest's CommonJS runtime needs it compiled.
  transformIgnorePatterns: ['/node_modules/(?!(cookie|openid-client|oauth4webapi|jose)/)'],
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  testTimeout: 120_000,
  // Two cores: each real-server test file starts its own Temporal server and worker.
  maxWorkers: 2,
};
