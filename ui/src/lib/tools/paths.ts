/** Paths as a card shows them: relative to the project directory the call ran in. */

import { isBag, str } from "./values";

/** The project directory a message's tools ran in (`path.root`, else `path.cwd`). */
export function messageDirectory(info: unknown): string | undefined {
  if (!isBag(info) || !isBag(info.path)) return undefined;
  const root = str(info.path.root) || str(info.path.cwd);
  return root && root !== "/" ? root : undefined;
}

/** A path relative to the project directory when it is under it ("." for the directory). */
export function relativePath(path: string, root: string | undefined): string {
  if (!root) return path;
  const base = root.replace(/\/+$/, "");
  if (base === "") return path;
  if (path === base || path === `${base}/`) return ".";
  return path.startsWith(`${base}/`) ? path.slice(base.length + 1) : path;
}
