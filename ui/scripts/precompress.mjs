/**
 * Pre-compressed siblings of the built UI: `X.br` (brotli, quality 11) and `X.gz`
 * (gzip -9) next to every compressible file that is big enough and shrinks enough, so
 * the service (`opencode_proxy/edge/static.py`) sends the smaller one by
 * `Accept-Encoding` without compressing anything at request time.
 *
 * A Vite plugin run after every `vite build` (so `make ui`, the Docker image's UI stage
 * and the test builds into /tmp all get the same files). Written here on Node's own
 * `node:zlib` rather than taken from a plugin: the well-known one
 * (vite-plugin-compression) has not been maintained since 2021, its maintained fork
 * brings dependencies of its own, and what is needed is one walk over the output and two
 * zlib calls per file. Plain JavaScript with a `.d.mts` beside it, because the UI's
 * TypeScript program does not include Node's types (they would change `setTimeout`'s
 * type across `src/`).
 */

import { readdir, readFile, stat, unlink, writeFile } from "node:fs/promises";
import { join, relative, resolve } from "node:path";
import { promisify } from "node:util";
import { brotliCompress, constants, gzip } from "node:zlib";

const brotli = promisify(brotliCompress);
const gz = promisify(gzip);

/** Kinds worth compressing: text, and the formats that are text underneath. */
export const COMPRESSIBLE = new Set([
  ".js",
  ".mjs",
  ".css",
  ".html",
  ".svg",
  ".json",
  ".map",
  ".txt",
  ".xml",
  ".webmanifest",
  ".wasm",
]);
/** Below this, a response fits in one packet either way: compressing saves no round trip. */
export const MIN_BYTES = 1024;
/** A sibling is kept only if it is at most this share of the original. */
export const MAX_RATIO = 0.9;

/** The encodings written, as the service looks for them: suffix and compressor. */
const ENCODINGS = [
  {
    suffix: ".br",
    compress: (data) =>
      brotli(data, {
        params: {
          [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
          [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
          [constants.BROTLI_PARAM_SIZE_HINT]: data.length,
        },
      }),
  },
  { suffix: ".gz", compress: (data) => gz(data, { level: constants.Z_BEST_COMPRESSION }) },
];

/** The file's extension, lower case, with its dot ("" for none). */
function extension(name) {
  const dot = name.lastIndexOf(".");
  return dot <= 0 ? "" : name.slice(dot).toLowerCase();
}

/** Whether a file of this name and size gets compressed siblings at all. */
export function wanted(name, size) {
  return COMPRESSIBLE.has(extension(name)) && size >= MIN_BYTES;
}

async function* files(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else if (entry.isFile()) yield path;
  }
}

/**
 * Write the siblings of every file under `dir` that is worth it, and remove siblings
 * that no longer are (a stale `.br` must never outlive its original's content).
 * Answers per-file sizes: `{ path, raw, br, gz }` (a missing encoding: undefined).
 */
export async function precompressDirectory(dir) {
  const originals = [];
  for await (const path of files(dir)) {
    if (!ENCODINGS.some((e) => path.endsWith(e.suffix))) originals.push(path);
  }
  return Promise.all(
    originals.map(async (path) => {
      const { size } = await stat(path);
      const sizes = { path: relative(dir, path), raw: size };
      const data = wanted(path, size) ? await readFile(path) : null;
      for (const encoding of ENCODINGS) {
        const sibling = path + encoding.suffix;
        const packed = data && (await encoding.compress(data));
        if (packed && packed.length <= size * MAX_RATIO) {
          await writeFile(sibling, packed);
          sizes[encoding.suffix.slice(1)] = packed.length;
        } else {
          await unlink(sibling).catch((error) => {
            if (error.code !== "ENOENT") throw error;
          });
        }
      }
      return sizes;
    }),
  );
}

function kB(bytes) {
  return `${(bytes / 1000).toFixed(1)} kB`;
}

/** The Vite plugin: compress the output directory once the build has written it. */
export function precompress() {
  let outDir = "";
  let logger = console;
  return {
    name: "opencode-proxy:precompress",
    apply: "build",
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
      logger = config.logger;
    },
    async closeBundle() {
      const sizes = await precompressDirectory(outDir);
      const packed = sizes.filter((s) => s.br !== undefined || s.gz !== undefined);
      const sum = (key) => packed.reduce((total, s) => total + (s[key] ?? s.raw), 0);
      logger.info(
        `precompressed ${packed.length} of ${sizes.length} files: ${kB(sum("raw"))} → ` +
          `brotli ${kB(sum("br"))}, gzip ${kB(sum("gz"))}`,
      );
    },
  };
}
