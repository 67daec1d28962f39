// ESLint flat config: neostandard (the config Fastify itself uses), with its TypeScript support.
// `noStyle` turns off its @stylistic formatting rules: the linter checks correctness, not layout
// (this codebase keeps semicolons and long lines; rewriting every line would be churn with no safety gain).
import neostandard, { resolveIgnoresFromGitignore } from 'neostandard';

export default [
  ...neostandard({
    ts: true,
    noStyle: true,
    noJsx: true,
    ignores: [...resolveIgnoresFromGitignore(), '.ci/node24/**'],
  }),
  {
    rules: {
      // `void promise` marks a deliberate fire-and-forget (the TypeScript idiom for a promise not awaited).
      'no-void': 'off',
      // `new Promise((r) => setTimeout(r, ms))` is the codebase's sleep; a swapped (reject, resolve) is still caught.
      'promise/param-names': ['error', { resolvePattern: '^_?(r|resolve)$' }],
      // It can't see a flag cleared by other code while the loop awaits: how background pollers here are stopped.
      'no-unmodified-loop-condition': 'off',
    },
  },
  {
    // The dashboard's own script: a classic <script> in the browser, beside vega-embed's global.
    files: ['public/**/*.js'],
    languageOptions: {
      sourceType: 'script',
      globals: { location: 'readonly', history: 'readonly', vegaEmbed: 'readonly' },
    },
  },
];
