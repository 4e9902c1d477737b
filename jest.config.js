/** One jest config for unit tests (next to the code) and e2e tests (test/). */
module.exports = {
  testEnvironment: 'node',
  rootDir: '.',
  roots: ['<rootDir>/libs', '<rootDir>/src', '<rootDir>/test'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
    // NestJS 12 ships ESM only: see test/support/esm-to-cjs.transform.js
    '^.+\\.m?js$': '<rootDir>/test/support/esm-to-cjs.transform.js',
    // PGlite (the example app's embedded database): see test/support/pglite-cjs.transform.js
    '/@electric-sql/pglite/dist/.+\\.cjs$': '<rootDir>/test/support/pglite-cjs.transform.js',
  },
  transformIgnorePatterns: [
    '/node_modules/(?!(@nestjs|@electric-sql/pglite|uid|load-esm|file-type|strtok3|token-types|@tokenizer)/)',
  ],
  moduleNameMapper: {
    '^@app/cache$': '<rootDir>/libs/cache/src',
    '^@app/cache/(.*)$': '<rootDir>/libs/cache/src/$1',
  },
  testRegex: '.*\\.spec\\.ts$',
  moduleFileExtensions: ['ts', 'js', 'json'],
  setupFiles: ['reflect-metadata'],
};
