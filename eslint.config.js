// Lint with layering rules: folders show the runtime (STYLE.md "Layout and layering").
import eslint from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const NODE_BUILTINS = ['node:*', 'fs', 'fs/*', 'path', 'crypto', 'os', 'child_process', 'http', 'https', 'net', 'url', 'util', 'stream', 'buffer', 'worker_threads'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['*.ts', 'scripts/*.d.ts'] }, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // Every promise is awaited, returned or explicitly voided: a dropped rejection is a lost error.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The core runs headless: no Electron, no React, no DOM.
    files: ['src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'electron', message: 'src/ is plain Node: Electron belongs in main/.' },
            { name: 'react', message: 'src/ is plain Node: React belongs in renderer/.' },
            { name: 'react-dom', message: 'src/ is plain Node: React belongs in renderer/.' },
          ],
          patterns: [{ group: ['electron/*', 'react-dom/*', '**/renderer/**', '**/main/**'], message: 'src/ must not depend on main/ or renderer/.' }],
        },
      ],
    },
  },
  {
    // The portable verifier and the contract run outside Node (licensed apps, the renderer).
    files: ['src/contract/**/*.ts', 'src/license-file/portable.ts', 'src/license-file/portable-entry.ts', 'src/license-file/envelope.ts', 'src/license-file/payload.ts', 'src/license-file/base64.ts', 'src/license-file/types.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: NODE_BUILTINS, message: 'Portable code: no Node built-ins (use WebCrypto / TextDecoder).' },
            { group: ['./verify.js', './public-key.js', './folder.js'], allowTypeImports: true, message: 'Portable code may import only types from Node-side modules.' },
          ],
        },
      ],
      'no-restricted-globals': ['error', { name: 'Buffer', message: 'Portable code: use Uint8Array.' }, { name: 'process', message: 'Portable code: no process.' }],
    },
  },
  {
    // The renderer talks only through the bridge: no Node, no raw IPC, nothing from src/ but the contract.
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    languageOptions: { globals: globals.browser },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'The renderer uses window.tessera, never Electron directly.' }],
          patterns: [
            { group: NODE_BUILTINS, message: 'The renderer has no Node.' },
            { group: ['**/src/*', '!**/src/contract'], message: 'The renderer imports only the contract from src/.' },
          ],
        },
      ],
    },
  },
  {
    // Raw ipcRenderer is banned everywhere: the preload exposes verbs generated from the contract.
    files: ['main/**/*.ts'],
    ignores: ['main/preload.ts'],
    rules: {
      'no-restricted-syntax': ['error', { selector: "ImportSpecifier[imported.name='ipcRenderer']", message: 'Use the contract bridge, never raw ipcRenderer.' }],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { globals: globals.node },
  },
);
