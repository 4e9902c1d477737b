// PGlite's CommonJS build loads Node built-ins (fs, zlib, node:module, ...) with `await import()`,
// which Jest's module sandbox refuses without --experimental-vm-modules. This rewrites those calls
// to a require() captured at the top of the file: Emscripten's glue later declares its own
// `var require` in the same scope, so the captured one is what still points at Jest's loader.
const { createHash } = require('crypto');

const PRELUDE =
  'var __pgliteRequire = require;' +
  'var __pgliteImport = (id) => Promise.resolve().then(() => {' +
  ' const m = __pgliteRequire(id); return Object.assign(Object.create(null), m, { default: m }); });\n';

module.exports = {
  process(source) {
    const code = source.replace(/(?<![\w$.])import\((["'][^"']+["'])\)/g, '__pgliteImport($1)');
    return { code: PRELUDE + code };
  },
  getCacheKey(source, filename) {
    return createHash('sha1').update('pglite-cjs-v1').update(filename).update(source).digest('hex');
  },
};
