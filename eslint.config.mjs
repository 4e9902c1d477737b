// ESLint flat config. Formatting is Prettier's job (`prettier --check` runs next to eslint in
// `npm run lint`), so eslint-config-prettier comes last to switch off any rule that overlaps.
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  // test/support/*.js are Jest plumbing (CommonJS transformers), not project code.
  globalIgnores(['dist/', 'node_modules/', 'coverage/', 'test/support/*.js']),
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2023,
      globals: { ...globals.node },
    },
    rules: {
      // `_name` marks an unused parameter kept for its position (Nest hooks, callbacks).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
    },
  },
  {
    // Config files and scripts run as plain CommonJS under Node.
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // The dashboard's page scripts: ES modules run by the browser, shipped as they are.
    files: ['libs/cache/src/dashboard/static/**/*.js'],
    languageOptions: { sourceType: 'module', globals: { ...globals.browser } },
  },
  {
    files: ['**/*.spec.ts', 'test/**/*.ts'],
    languageOptions: { globals: { ...globals.jest } },
  },
  prettier,
);
