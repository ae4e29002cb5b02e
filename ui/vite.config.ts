// Builds the UI into the Python package, where the service serves it under any prefix.
import { defineConfig } from "vitest/config";
import solid from "vite-plugin-solid";
import { precompress } from "./scripts/precompress.mjs";

export default defineConfig({
  // precompress: `.br` and `.gz` beside every built file worth it, which the service
  // sends by Accept-Encoding (scripts/precompress.mjs).
  plugins: [solid(), precompress()],
  // Every URL in the built files is relative to the page, so one build works under `/`
  // and under a Kubeflow prefix such as `/notebook/ns/nb/`.
  base: "./",
  build: {
    outDir: "../opencode_proxy/static",
    emptyOutDir: true,
    target: "es2022",
    // The polyfill would be an inline script, which the service's CSP refuses.
    modulePreload: { polyfill: false },
    sourcemap: false,
    assetsInlineLimit: 0,
    // The largest chunk is Shiki's C++ grammar (~800 kB, 61 kB gzipped), fetched only when
    // C++ is shown; the entry chunk stays far below this.
    chunkSizeWarningLimit: 900,
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            // Shiki's tokenizer and regex engine, always fetched together (lib/highlight.ts,
            // lazily): one chunk. Grammars and themes stay one chunk each.
            {
              name: "shiki",
              test: /[\\/]node_modules[\\/](@shikijs[\\/](primitive|engine-javascript|vscode-textmate)|oniguruma-(to-es|parser)|regex(-recursion|-utilities)?)[\\/]/,
            },
          ],
        },
      },
    },
  },
  // `npm run dev` serves the UI with hot reload; its API calls go to the service that
  // `make run` starts on 127.0.0.1:8888 (prefix `/`).
  server: {
    proxy: {
      "/api": { target: "http://127.0.0.1:8888", ws: true },
    },
  },
  test: {
    environment: "node",
    include: ["src/**/*.test.ts"],
  },
});
