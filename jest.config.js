/** Tests run against real servers, so they are slow by unit-test standards: the timeout is generous. */
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.(ts|js)$': ['@swc/jest'] },
  // cookie@2 is ESM-only and Fastify's inject requires it; Jest's CommonJS runtime needs it compiled.
  // So are file-type (the uploads' check by content) and the packages it reads files with, and
  // content-disposition@3 under @fastify/static (the API reference's pages), and the ref parser
  // under @apidevtools/swagger-parser (the OpenAPI document's check).
  transformIgnorePatterns: ['/node_modules/(?!(cookie|openid-client|oauth4webapi|jose|file-type|strtok3|token-types|@tokenizer/inflate|uint8array-extras|@borewit/text-codec|content-disposition|@fastify/static/node_modules/content-disposition|@apidevtools/json-schema-ref-parser)/)'],
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  testTimeout: 120_000,
  // Two cores: each real-server test file starts its own Temporal server and worker.
  maxWorkers: 2,
};
