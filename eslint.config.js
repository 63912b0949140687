// Lint: type-aware rules everywhere; workflow files also may not reach Node built-ins or other
// non-deterministic modules (they run in Temporal's deterministic sandbox).
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

export default tseslint.config(
  // .scratch/ holds local, uncommitted experiments.
  { ignores: ['node_modules/**', '.tools/**', '.data/**', '.scratch/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        paths: nodeBuiltins.map((name) => ({ name, message: 'Workflows must be deterministic: no Node built-ins.' })),
        patterns: [
          { group: ['@temporalio/client', '@temporalio/worker', '@temporalio/activity'], message: 'Workflows import only @temporalio/workflow.' },
          { group: ['@tensorflow/*', '@google-cloud/*', 'sharp', 'hono', 'zod', '**/core/storage/*', '**/core/tf/*'], message: 'Workflows orchestrate; I/O and compute belong in activities.' },
          { group: ['**/activities/**'], allowTypeImports: true, message: 'Import activities as types only.' },
        ],
      }],
      'no-restricted-globals': ['error', { name: 'process', message: 'Workflows may not read the process environment.' }],
    },
  },
);
