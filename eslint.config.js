import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import reactRefresh from 'eslint-plugin-react-refresh';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * The LUCID core must run unchanged in Node (unit tests) and in a Web Worker,
 * so it may import tensors but nothing from the UI side of the app.
 */
const lucidCoreRestrictions = {
  paths: [
    { name: 'react', message: 'src/lucid must stay free of React (it runs in Node and workers).' },
    { name: 'react-dom', message: 'src/lucid must stay free of React.' },
    { name: 'zustand', message: 'src/lucid must not know about the UI store.' },
    { name: 'd3', message: 'src/lucid must not draw; renderers live in the views.' },
  ],
  patterns: [
    {
      group: ['react/*', 'react-dom/*', 'zustand/*', 'd3-*'],
      message: 'No UI imports in src/lucid.',
    },
    {
      group: ['**/app', '**/app/**', '**/ui', '**/ui/**', '@/app/**', '@/ui/**'],
      message: 'src/lucid is the bottom layer; it must not import src/app or src/ui.',
    },
  ],
};

export default tseslint.config(
  {
    ignores: ['dist*', 'node_modules', 'test-results*', '*-report', 'coverage', 'public', 'tools', 'docs'],
  },
  {
    files: ['**/*.{ts,tsx}'],
    extends: [js.configs.recommended, ...tseslint.configs.recommended],
    languageOptions: { ecmaVersion: 2023, globals: { ...globals.browser } },
  },
  {
    files: ['src/**/*.tsx', 'src/app/**/*.ts'],
    plugins: { 'react-hooks': reactHooks, 'react-refresh': reactRefresh },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'react-refresh/only-export-components': ['warn', { allowConstantExport: true }],
    },
  },
  {
    files: ['src/lucid/**/*.ts'],
    languageOptions: { globals: { ...globals.worker, ...globals.node } },
    rules: { 'no-restricted-imports': ['error', lucidCoreRestrictions] },
  },
  {
    // File names, captions and typed text are user strings: render them as text, never parse them
    // as markup (docs/security.md). The CSP would block injected scripts, but not injected markup.
    files: ['src/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-properties': [
        'error',
        ...['innerHTML', 'outerHTML', 'insertAdjacentHTML'].map((property) => ({
          property,
          message: 'Parses markup: set textContent, or build elements (React, d3 .text()).',
        })),
        { object: 'document', property: 'write', message: 'Parses markup; build elements instead.' },
        { object: 'document', property: 'writeln', message: 'Parses markup; build elements instead.' },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "JSXAttribute[name.name='dangerouslySetInnerHTML']",
          message: 'Parses markup: render user strings as React text children.',
        },
        {
          selector: "CallExpression[callee.property.name='html']",
          message: "d3's selection.html() parses markup: use .text().",
        },
      ],
    },
  },
  {
    files: ['*.config.{ts,js}', 'e2e/**/*.ts'],
    languageOptions: { globals: { ...globals.node } },
  },
);
