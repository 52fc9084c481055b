import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import vue from 'eslint-plugin-vue';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.data/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...vue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser }, globals: globals.browser },
  },
  {
    files: ['scripts/**/*.js', 'jest.config.js'],
    languageOptions: { sourceType: 'commonjs', globals: globals.node },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['**/*.ts'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'vue/multi-word-component-names': 'off',
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['isolated-vm'], message: 'Only core/sandbox may import isolated-vm.' }] },
      ],
    },
  },
  {
    // The engine and the domain stay free of I/O so that backtest, paper and live share them unchanged.
    // core/sandbox is also the one place allowed to import isolated-vm (this block replaces the rule above).
    files: ['core/sandbox/**/*.ts', 'core/backtest/**/*.ts', 'core/indicators/**/*.ts', 'core/engine/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['knex', 'objection', 'pg', 'ioredis', 'bullmq', 'ccxt', 'ws', 'node:fs', 'node:net', 'node:http'],
            },
            { group: ['**/db/**', '**/actors/**', '**/http/**', '**/queues/**'] },
          ],
        },
      ],
    },
  },
  prettier,
);
