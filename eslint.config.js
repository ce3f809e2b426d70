// Lint with the layer boundaries of ../shared/design/ARCHITECTURE.md enforced:
// core and the broker engine import no Node built-in; core imports no React or
// zustand; arrows point one way only (react → core; chat → react, core;
// testing → broker engine, core).
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
const noNode = nodeBuiltins.map((name) => ({ name, message: 'This layer runs in browsers: no Node built-ins.' }));
const noReact = ['react', 'react-dom', 'zustand'].map((name) => ({
  name,
  message: 'core is framework-free: no React or zustand.',
}));
const layer = (patterns, paths = []) => ({
  'no-restricted-imports': ['error', { paths, patterns }],
});
/** A layer folder, however it is reached: `../react`, `../../react/index.js`, `src/react/...`. */
const folder = (name) => [`**/${name}`, `**/${name}/**`, `../${name}`, `../../${name}`, `../../../${name}`];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'storybook-static/**', 'coverage/**', '**/*.d.ts'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/**/*.{ts,tsx}'],
    rules: { '@typescript-eslint/no-explicit-any': 'error' },
  },
  {
    files: ['src/core/**'],
    rules: layer(
      [
        { group: ['react', 'chat', 'broker', 'testing'].flatMap(folder), message: 'core depends on nothing above it.' },
      ],
      [...noNode, ...noReact],
    ),
  },
  {
    files: ['src/broker/engine/**'],
    rules: layer(
      [{ group: ['node', 'core', 'react', 'chat', 'testing'].flatMap(folder), message: 'The engine stands alone.' }],
      [...noNode, ...noReact],
    ),
  },
  {
    files: ['src/react/**'],
    rules: layer([{ group: ['chat', 'broker', 'testing'].flatMap(folder), message: 'react → core only.' }], noNode),
  },
  {
    files: ['src/chat/**'],
    rules: layer([{ group: ['broker', 'testing'].flatMap(folder), message: 'chat → react, core only.' }], noNode),
  },
  {
    files: ['src/testing/**'],
    rules: layer([{ group: ['**/broker/node', '**/broker/node/**', ...['react', 'chat'].flatMap(folder)], message: 'testing → broker engine, core only.' }], noNode),
  },
  {
    // The Node host of the engine: Node built-ins welcome, nothing of the client side.
    files: ['src/broker/node/**'],
    rules: layer([{ group: ['core', 'react', 'chat', 'testing'].flatMap(folder), message: 'broker/node → broker engine only.' }]),
  },
  {
    files: ['src/react/**', 'src/chat/**', 'stories/**', 'demo/**'],
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'error' },
  },
);
