import { defineConfig } from 'vite';

// Native and Node-only modules stay external: Forge copies them into the package (see forge.config.ts).
export default defineConfig({
  build: {
    rollupOptions: {
      external: ['better-sqlite3-multiple-ciphers', 'serialport', '@serialport/bindings-cpp', 'koffi'],
    },
  },
});
