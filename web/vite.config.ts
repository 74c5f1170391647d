import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vitest/config';

// The Go server embeds web/dist, which must never be empty: Vite empties it
// before each build, so put .keep back as soon as the bundle is written.
function keepDist(): Plugin {
  return {
    name: 'chorus-keep-dist',
    apply: 'build',
    closeBundle() {
      writeFileSync(fileURLToPath(new URL('./dist/.keep', import.meta.url)), '');
    },
  };
}

// The server sends a strict Content-Security-Policy (script-src 'self';
// style-src 'self'), so the build must contain no inline script or style.
export default defineConfig({
  plugins: [keepDist()],
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    target: 'es2022',
    // The polyfill is an inline script; every browser Chorus supports has modulepreload.
    modulePreload: { polyfill: false },
    // Emit every asset as a hashed file (cacheable as immutable) instead of a data: URI.
    assetsInlineLimit: 0,
    sourcemap: false,
  },
  server: {
    proxy: {
      '/api': process.env.CHORUS_API_URL ?? 'http://127.0.0.1:8080',
      '/healthz': process.env.CHORUS_API_URL ?? 'http://127.0.0.1:8080',
    },
  },
  test: {
    environment: 'happy-dom',
    include: ['src/**/*.test.ts'],
  },
});
