import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'app/**/*.test.ts'],
    // Corpus tests walk ~3,800 rules; give them room on 2-core CI machines.
    testTimeout: 120_000,
    setupFiles: ['src/test-support/fast-check-seed.ts'],
    hookTimeout: 120_000,
  },
});
