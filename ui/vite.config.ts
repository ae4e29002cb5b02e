// Builds the UI into the Python package, where the service serves it under any prefix.
import { defineConfig } from "vitest/config";
import solid from "vite-plugin-solid";

export default defineConfig({
  plugins: [solid()],
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
