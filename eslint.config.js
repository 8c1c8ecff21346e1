// @ts-check
const js = require('@eslint/js')
const tseslint = require('typescript-eslint')
const { builtinModules } = require('node:module')

// Workflow code must be deterministic and runs in Temporal's sandbox: no Node built-ins, no I/O.
const nodeBuiltins = builtinModules.filter((name) => !name.startsWith('_'))

module.exports = tseslint.config(
  {
    ignores: [
      'node_modules/',
      '.data/',
      '.tools/',
      'coverage/',
      // the production build (npm run build): compiled JavaScript and the workflow bundle
      'dist/',
      'bench/results/',
      'gateway/supergraph.graphql',
      // resolver types written by `npm run codegen` (tests/unit/codegen.test.ts keeps them current)
      'subgraphs/*/src/generated/',
      'workflows/src/facade/generated/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-console': 'off',
    },
  },
  {
    files: ['**/*.js'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
    languageOptions: { globals: { require: 'readonly', module: 'writable', __dirname: 'readonly', process: 'readonly' } },
  },
  {
    // the GraphiQL page's own script runs in the browser (gateway/src/graphiql.ts inlines it after React's and GraphiQL's UMD builds)
    files: ['gateway/src/graphiql/**/*.js'],
    languageOptions: {
      sourceType: 'script',
      globals: {
        window: 'readonly',
        document: 'readonly',
        sessionStorage: 'readonly',
        localStorage: 'readonly',
        fetch: 'readonly',
        console: 'readonly',
        React: 'readonly',
        ReactDOM: 'readonly',
        GraphiQL: 'readonly',
      },
    },
  },
  {
    files: ['workflows/src/scenarios/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({
            name,
            message: 'Workflow code runs in a deterministic sandbox: no Node built-ins.',
            allowTypeImports: true,
          })),
          patterns: [
            { group: ['node:*'], message: 'Workflow code runs in a deterministic sandbox: no Node built-ins.', allowTypeImports: true },
            {
              group: ['@temporalio/client', '@temporalio/worker', '@temporalio/activity', 'pg', 'kysely', 'ioredis'],
              message: 'Workflow code does no I/O: call an activity.',
              allowTypeImports: true,
            },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'Workflow code must not read the process environment.' },
        { name: 'setInterval', message: 'Use sleep() from @temporalio/workflow.' },
      ],
    },
  },
  {
    files: ['tests/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
)
