import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The console is served by govdata itself (http/console.go), which puts a
// fresh nonce where NONCE stands in the page on every answer: Ant Design's
// run-time <style> elements carry it, so the Content-Security-Policy needs
// no 'unsafe-inline' for styles.
const NONCE = '__GOVDATA_CSP_NONCE__';

export default defineConfig({
  plugins: [react()],
  html: { cspNonce: NONCE },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Hashed names under assets/ are cached for a year (immutable).
    assetsDir: 'assets',
    sourcemap: false,
    // The budget that matters is the sign-in page's compressed first load
    // (≤ 350 KB, PRODUCT.md §5), which `make web-size` measures; the entry
    // holds React and the Ant Design parts of that page, above Vite's
    // default warning for uncompressed chunks.
    chunkSizeWarningLimit: 1000,
  },
  server: {
    // `npm run dev` against a govdata on :8080 (make run).
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
});
