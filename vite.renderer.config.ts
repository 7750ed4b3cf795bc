import react from '@vitejs/plugin-react';
import path from 'node:path';
import { defineConfig, type Plugin } from 'vite';

/**
 * The page's CSP meta tag is strict (script-src 'self'). Under the dev server only, React Fast Refresh needs an
 * inline module script and Vite's client a websocket: relax the meta tag there, never in a build.
 */
function devCsp(): Plugin {
  return {
    name: 'workstation-dev-csp',
    apply: 'serve',
    transformIndexHtml(html) {
      return html
        .replace("script-src 'self';", "script-src 'self' 'unsafe-inline';")
        .replace("connect-src 'self';", "connect-src 'self' ws: http://localhost:*;");
    },
  };
}

// Built to where Forge's Vite plugin expects the renderer named main_window; the harness serves the same folder.
export default defineConfig({
  root: path.resolve(__dirname, 'src/renderer'),
  base: './',
  plugins: [react(), devCsp()],
  build: {
    outDir: path.resolve(__dirname, '.vite/renderer/main_window'),
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000,
  },
});
