import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/node_modules/', '**/dist/', 'test-results/', 'playwright-report/', 'bench/results/', 'client/src/generated/'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-empty': ['error', { allowEmptyCatch: false }],
      eqeqeq: ['error', 'always'],
    },
  },
  // No source file over 350 lines, comments included: split it by concern before it grows past that.
  // Tests are exempt (a spec reads best whole); generated locales are ignored above.
  {
    files: ['shared/src/**/*.ts', 'signaling/src/**/*.ts', 'client/src/**/*.ts', 'e2e/*.ts', 'bench/src/**/*.ts', 'scripts/**/*.mjs'],
    ignores: ['**/*.test.*'],
    rules: { 'max-lines': ['error', { max: 350, skipBlankLines: false, skipComments: false }] },
  },
  // simple-peer's stand-ins for Node modules: CommonJS, as simple-peer requires them.
  { files: ['client/shims/*.cjs'], languageOptions: { sourceType: 'commonjs' }, rules: { '@typescript-eslint/no-require-imports': 'off' } },
  // The client's layers: ui → app → room → net → protocol. Each layer is entered through its index.
  ...[
    { layer: 'net', forbidden: ['../room', '../room/*', '../app', '../app/*', '../ui', '../ui/*', 'lit', 'lit/*', '@lit/*'] },
    { layer: 'room', forbidden: ['../ui', '../ui/*', '../app', '../app/*', '../net/*', 'lit', 'lit/*', '@lit/*', 'socket.io-client', 'simple-peer', 'simple-peer/*'] },
    { layer: 'app', forbidden: ['../ui', '../ui/*', '../net/*', '../room/*', 'lit', 'lit/*', '@lit/*', 'simple-peer', 'simple-peer/*'] },
    { layer: 'ui', forbidden: ['../net', '../net/*', '../room/*', '../app/*', 'socket.io-client', 'simple-peer', 'simple-peer/*'] },
  ].map(({ layer, forbidden }) => ({
    files: [`client/src/${layer}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: forbidden, message: `client/src/${layer} may not import this: layers point one way (ui → app → room → net), through each layer's index.` }] },
      ],
    },
  })),
);
