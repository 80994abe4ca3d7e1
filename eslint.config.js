// Lint enforces the process boundaries from ARCHITECTURE.md; the compiler enforces the rest.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const banElectron = {
  paths: [{ name: 'electron', message: 'Only main/app and main/preload may import electron.' }],
};
const banKeytar = { name: 'keytar', message: 'Only main/platform may import keytar.' };
const nodeBuiltins = { group: ['node:*'], message: 'The renderer and shared code run without Node.' };

export default tseslint.config(
  { ignores: ['node_modules/', '.tsbuild/', 'out/', 'dist/', 'data/', 'test-results/', 'playwright-report/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': ['error', { paths: [...banElectron.paths, banKeytar] }],
    },
  },
  {
    // Tests read arbitrary JSON responses; typing every one would add noise, not safety.
    files: ['test/**', 'bench/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['main/app/**', 'main/preload/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [banKeytar] }] },
  },
  {
    files: ['main/platform/**'],
    rules: { 'no-restricted-imports': ['error', { paths: banElectron.paths }] },
  },
  {
    files: ['renderer/**', 'shared/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [...banElectron.paths, banKeytar],
          patterns: [nodeBuiltins, { group: ['**/server/**', '**/main/**'], message: 'renderer and shared import only shared.' }],
        },
      ],
    },
  },
  {
    files: ['server/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [...banElectron.paths, banKeytar],
          patterns: [{ group: ['**/main/**', '**/renderer/**'], message: 'The backend imports only shared.' }],
        },
      ],
    },
  },
);
