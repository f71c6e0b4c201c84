/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The dev server and `vite preview` forward the API to a running gregor
// (GREGOR_URL, default http://127.0.0.1:8080).
const target = process.env.GREGOR_URL ?? 'http://127.0.0.1:8080';
const proxy = { '/api': { target, changeOrigin: false } };

export default defineConfig(({ command }) => ({
  plugins: [react()],
  // Relative asset URLs: they resolve against the <base href> the Go server writes into
  // index.html, so one build serves at / and behind a proxy prefix alike.
  base: command === 'build' ? './' : '/',
  build: {
    outDir: '../internal/web/dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 900,
    rollupOptions: {
      output: {
        manualChunks(id: string) {
          if (id.includes('node_modules/uplot')) return 'uplot';
          if (id.includes('node_modules/@mantine')) return 'mantine';
          if (id.includes('node_modules/react') || id.includes('node_modules/scheduler')) return 'react';
          return undefined;
        },
      },
    },
  },
  server: { proxy },
  preview: { proxy },
  test: {
    environment: 'jsdom',
    setupFiles: ['./src/test/setup.ts'],
    include: ['src/**/*.test.{ts,tsx}'],
    css: false,
    // Typing through user-event in jsdom takes seconds on a loaded 2-core CI machine.
    testTimeout: 30000,
  },
}));
