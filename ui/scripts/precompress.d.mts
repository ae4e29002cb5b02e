// Types of precompress.mjs for vite.config.ts (the script itself is plain JavaScript).
import type { Plugin } from "vite";

export const COMPRESSIBLE: ReadonlySet<string>;
export const MIN_BYTES: number;
export const MAX_RATIO: number;
export function wanted(name: string, size: number): boolean;
export function precompressDirectory(
  dir: string,
): Promise<{ path: string; raw: number; br?: number; gz?: number }[]>;
export function precompress(): Plugin;
