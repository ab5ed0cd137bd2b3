// Lint: typed rules for the whole project, and a purity boundary around machines/.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'scripts/**', 'test/support/*.js', 'db/**/migrations/**', '.dependency-cruiser.cjs', 'bench/results/**', 'coverage/**', 'bin/**', '*.config.js', '*.config.mjs', 'src/web/assets/**', 'test-output/**'] },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Lazy loading: a command requires the heavy modules (HTTP stack, BullMQ, pg, argon2) only when it
    // runs; `require`, not `import()`, because tsx's CommonJS hook (development) does not compile import().
    files: ['app/cli.ts', 'app/compose.ts', 'src/auth/passwords.ts'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // The SQLite driver is synchronous behind the async port: its repository methods are async without awaiting.
    files: ['db/sqlite/**/*.ts'],
    rules: { '@typescript-eslint/require-await': 'off' },
  },
  {
    files: ['machines/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*', 'fs', 'path', 'child_process', 'net', 'http', 'os'], message: 'Machines are pure: no Node built-ins.' },
            { group: ['better-sqlite3', 'drizzle-orm*', 'bullmq', 'ioredis', '../src/*', '../db/*', '../workers/*'], message: 'Machines are pure: no database, Redis or engine imports.' },
          ],
        },
      ],
      'no-restricted-properties': ['error', { object: 'Date', property: 'now', message: 'Machines are pure: time comes from event.at.' }],
      'no-restricted-syntax': ['error', { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'Machines are pure: time comes from event.at.' }],
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
);
