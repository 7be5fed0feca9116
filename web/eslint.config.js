// ESLint (flat config): typescript-eslint's recommended rules, the Rules of Hooks and
// exhaustive-deps as errors, and features kept apart (eslint-feature-boundaries.js).
// Run by `npm run lint` and by `mvn verify` (see pom.xml).
import js from '@eslint/js';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';
import { featureBoundaries } from './eslint-feature-boundaries.js';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'target/', 'test-results/'] },
  {
    files: ['**/*.{ts,tsx}'],
    extends: [js.configs.recommended, ...tseslint.configs.recommended],
    languageOptions: { globals: globals.browser },
    plugins: { 'react-hooks': reactHooks, lanechat: { rules: { 'feature-boundaries': featureBoundaries } } },
    rules: {
      'lanechat/feature-boundaries': 'error',
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The e2e specs are Node code whose page.evaluate() callbacks run in the browser.
    files: ['e2e/**/*.ts', 'playwright.config.ts'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    // Playwright fixtures call their `use` argument, which is no React hook.
    rules: { 'react-hooks/rules-of-hooks': 'off' },
  },
  {
    files: ['*.js'],
    extends: [js.configs.recommended],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
);
