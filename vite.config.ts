import { defineConfig, type Plugin } from 'vite';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

const monacoEsm = fileURLToPath(new URL('./node_modules/monaco-editor/esm/vs/', import.meta.url));

/** Lists every built file (and public/ file) for the offline service worker (public/sw.js). */
function precacheManifest(): Plugin {
  const publicFiles = (dir: string, base = ''): string[] =>
    readdirSync(dir).flatMap((name) => {
      const full = path.join(dir, name);
      return statSync(full).isDirectory() ? publicFiles(full, `${base}${name}/`) : [`${base}${name}`];
    });
  return {
    name: 'siglab-precache-manifest',
    apply: 'build',
    generateBundle(_options, bundle) {
      const files = [...Object.keys(bundle), ...publicFiles(fileURLToPath(new URL('./public/', import.meta.url)))]
        .filter((f) => f !== 'sw.js' && f !== 'index.html' && !f.endsWith('.map'))
        .sort();
      this.emitFile({ type: 'asset', fileName: 'precache.json', source: JSON.stringify(files) });
    },
  };
}

export default defineConfig({
  plugins: [react(), precacheManifest()],
  // The Kusto language service (Bridge.NET) refers to `global`; workers and the page have only globalThis.
  define: { global: 'globalThis' },
  resolve: {
    // monaco-yaml and monaco-worker-manager deep-import monaco-editor/esm/vs/..., which the 0.57 exports map hides.
    alias: [{ find: /^monaco-editor\/esm\/vs\/(.*)$/, replacement: `${monacoEsm}$1` }],
  },
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 8000,
    sourcemap: false,
  },
  preview: { host: '127.0.0.1', port: Number(process.env.PORT ?? 4173), strictPort: true },
  server: { host: '127.0.0.1' },
});
