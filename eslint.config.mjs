// ESLint for the whole tree: typescript-eslint's strict rules on every TypeScript file, the
// recommended JavaScript rules on the build scripts. Prettier owns the look; ESLint owns mistakes.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', 'out/**', 'coverage/**', '**/fixtures/**'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: { globals: { ...globals.node }, ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      // `_`-prefixed names say "deliberately unused" (a destructured field left out, an ignored argument)
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
    },
  },
  {
    // tests and the code that drives them (the acceptance suite, the bench, the kit's test
    // harness): a test that dereferences a value that is not there fails, which is what it should do
    files: ['**/test/**', '**/*.test.ts', 'acceptance-tests/src/**', 'bench/src/**', 'base/src/testing/**'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
