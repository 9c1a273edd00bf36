import { defineConfig } from 'vitest/config';
import { testServiceName } from './scripts/test-secrets.js';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/e2e/**', 'node_modules/**', 'dist/**'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    globalSetup: ['test/support/global-setup.ts'],
    setupFiles: ['test/support/test-environment.ts'],
    // This run's own keychain service: every test, and every process a test spawns, keeps its
    // secrets there, never under the `tessera` service of a person's own Tessera.
    env: { TESSERA_KEYCHAIN_SERVICE: testServiceName('test') },
  },
});
