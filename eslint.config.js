// Lint only what type-checking cannot see: unused code, floating promises and unsafe patterns.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'var/**', 'coverage/**', 'tmp-*/**', '.scratch*/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'error',
    },
  },
  {
    // The layers point one way: src/ is what every layer may import (the runtime's contracts are in
    // src/runtime-contracts/), so it never reaches into the actor runtime or the supervisor; only the
    // entry point that starts them does.
    files: ['src/**/*.ts'],
    ignores: ['src/main.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{
          regex: '^(\\.\\./)+(actors|supervisor)/',
          message: 'src/ must not import actors/ or supervisor/: move what both need to src/runtime-contracts/ (only src/main.ts starts the runtime).',
        }],
      }],
    },
  },
  {
    // Workers run actors; the supervisor runs workers. Worker code reaching
    // into the supervisor would load supervisor modules into every thread.
    files: ['actors/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{
          regex: '^(\\.\\./)+supervisor/',
          message: 'actors/ must not import supervisor/: move what both need to src/runtime-contracts/ or into actors/.',
        }],
      }],
    },
  },
  {
    files: ['src/cli/**', 'bench/**', 'demo/**', 'test/**', 'config/**'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['**/*.cjs', '**/*.js'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    // The dashboard runs in the browser.
    files: ['web/**/*.js'],
    languageOptions: {
      sourceType: 'module',
      globals: { document: 'readonly', location: 'readonly', sessionStorage: 'readonly', fetch: 'readonly', FormData: 'readonly', addEventListener: 'readonly', removeEventListener: 'readonly', history: 'readonly', URLSearchParams: 'readonly', TextDecoderStream: 'readonly', AbortController: 'readonly', setTimeout: 'readonly' },
    },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly', __dirname: 'readonly', process: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off', 'no-undef': 'off' },
  },
);
