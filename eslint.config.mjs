import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { layout } from './eslint.layout.mjs';

export default tseslint.config(
  // .stryker-tmp: the sandboxes of a mutation run in progress (instrumented copies of the code).
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'bench/results/', '.stryker-tmp*/', 'reports/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        require: 'readonly',
        module: 'writable',
        __dirname: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        fetch: 'readonly',
        URL: 'readonly',
        TextEncoder: 'readonly',
        TextDecoder: 'readonly',
        AbortController: 'readonly',
        AbortSignal: 'readonly',
        Headers: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-function-type': 'off',
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  {
    // The domain is pure TypeScript: no framework, ORM, driver or broker.
    files: ['apps/*/src/domain/**/*.ts', 'libs/folds/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@nestjs/*', 'typeorm', 'typeorm/*', 'pg', 'nats', '@nats-io/*', 'class-validator', 'class-transformer', 'fastify'],
              message: 'domain/ and the folds stay free of frameworks, ORMs and brokers',
            },
            {
              group: [
                '**/persistence/**',
                '@calm/config',
                '@calm/jetstream',
                '@calm/local-infra',
                '@calm/nest-platform',
                '@calm/outbox',
                '@calm/pg',
                '@calm/testing',
                '@calm/tracing',
              ],
              message: 'domain/ and the folds depend on nothing but themselves, @calm/folds and @calm/contracts',
            },
          ],
        },
      ],
    },
  },
  ...layout,
);
