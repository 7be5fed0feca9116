// Vite build + dev server config (dev proxies /api and /ws to a local server) and the Vitest setup.
import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

const devServer = process.env.LANECHAT_DEV_SERVER ?? 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Fonts (KaTeX's) stay files: the server's CSP has no font-src, so default-src 'self' refuses
    // the data: URLs Vite would inline small ones as.
    assetsInlineLimit: (file) => (/\.(woff2?|ttf|otf|eot)$/.test(file) ? false : undefined),
  },
  server: {
    proxy: {
      '/api': { target: devServer, changeOrigin: false },
      '/ws': { target: devServer.replace(/^http/, 'ws'), ws: true },
    },
  },
  test: {
    environment: 'jsdom',
    globals: true,
    setupFiles: ['./src/test/setup.ts'],
    include: ['src/**/*.test.{ts,tsx}'],
    restoreMocks: true,
  },
});
