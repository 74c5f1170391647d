import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
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

// Each language's name in itself ("Français"), read from the catalogues, as
// the module virtual:chorus-language-names: the language menu names every
// language while only the chosen one's catalogue is fetched
// (src/i18n/index.ts).
function languageNames(): Plugin {
  const id = 'virtual:chorus-language-names';
  const dir = fileURLToPath(new URL('./src/i18n', import.meta.url));
  return {
    name: 'chorus-language-names',
    resolveId: (source) => (source === id ? `\0${id}` : null),
    load(resolved) {
      if (resolved !== `\0${id}`) return null;
      const names: Record<string, string> = {};
      for (const file of readdirSync(dir).filter((f) => /^\w+\.json$/.test(f))) {
        const path = join(dir, file);
        this.addWatchFile(path);
        const catalogue = JSON.parse(readFileSync(path, 'utf8')) as Record<string, string>;
        names[file.replace(/\.json$/, '')] = catalogue['language.name'] ?? file;
      }
      return `export default ${JSON.stringify(names)};`;
    },
  };
}

// Every text file of the bundle also as .br (brotli at its best) and .gz, so
// the server sends them compressed without compressing anything itself
// (server/httpapi/webassets.go picks the variant the browser accepts).
function precompress(): Plugin {
  const compressible = /\.(js|css|html|svg|json|txt)$/;
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? walk(path) : [path];
    });
  return {
    name: 'chorus-precompress',
    apply: 'build',
    closeBundle() {
      const dist = fileURLToPath(new URL('./dist', import.meta.url));
      for (const path of walk(dist).filter((p) => compressible.test(p))) {
        const data = readFileSync(path);
        writeFileSync(`${path}.br`, brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: data.length } }));
        writeFileSync(`${path}.gz`, gzipSync(data, { level: 9 }));
      }
    },
  };
}

// The server sends a strict Content-Security-Policy (script-src 'self';
// style-src 'self'), so the build must contain no inline script or style.
export default defineConfig({
  plugins: [languageNames(), keepDist(), precompress()],
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
    // Every catalogue loaded before the tests, as a page has the one it speaks.
    setupFiles: ['src/i18n/testSetup.ts'],
  },
});
