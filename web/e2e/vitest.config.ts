import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Browser tests: the real Chorus binary (CHORUS_BIN) and headless Chromium.
export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    environment: 'node',
    include: ['e2e/**/*.e2e.ts'],
    fileParallelism: false,
    testTimeout: 20_000,
    hookTimeout: 45_000,
    // What a page shows after a round trip to the server, and what the
    // server has after a click, can take seconds on a loaded machine (CI:
    // two cores); polls wait up to 10 s rather than vitest's 1 s.
    expect: { poll: { timeout: 10_000 } },
    reporters: ['default'],
  },
});
