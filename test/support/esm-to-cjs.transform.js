// NestJS 12 ships ESM only, and Jest on Node 20 cannot require() ESM. This transformer turns
// those node_modules files into CommonJS (TypeScript's transpiler, no type check), and rewrites
// import.meta.url, .dirname and .resolve (the last two: @nestjs/terminus), which CommonJS has no
// syntax for. An ESM file's own
// `const require = createRequire(import.meta.url)` (@nestjs/swagger, @nestjs/mapped-types) is
// dropped: in CommonJS it redeclares the module's `require`, which resolves from the same file.
const ts = require('typescript');
const { createHash } = require('crypto');

module.exports = {
  process(source, filename) {
    const code = source
      .replace(/^\s*const require = createRequire\(import\.meta\.url\);?[ \t]*$/m, '')
      .replace(/import\.meta\.url/g, "require('url').pathToFileURL(__filename).href")
      .replace(/import\.meta\.dirname/g, '__dirname')
      .replace(/import\.meta\.resolve\(/g, 'require.resolve(');
    const out = ts.transpileModule(code, {
      fileName: filename,
      compilerOptions: {
        module: ts.ModuleKind.CommonJS,
        target: ts.ScriptTarget.ES2022,
        allowJs: true,
        esModuleInterop: true,
      },
    });
    return { code: out.outputText };
  },
  getCacheKey(source, filename) {
    return createHash('sha1').update('esm-to-cjs-v4').update(filename).update(source).digest('hex');
  },
};
