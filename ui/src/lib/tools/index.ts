/**
 * What a tool call did, in words: the verb, key argument, counts and accessible name of
 * each tool card; the tools' outputs parsed into what the cards list (glob's files,
 * grep's matches, list's tree, read's line range, a task's result, a question's
 * answers, a todo list); the tidy key/value rows of a tool the UI does not know; and the
 * grouping of consecutive exploration calls into one "Explored 1 read · 2 searches" row.
 *
 * Pure (no Solid, no DOM), so every case is unit-tested. The shapes come from OpenCode
 * 1.18.33's tool parts (`state.input`, `state.metadata`, `state.output`) and from the
 * tools other versions add (list, patch, apply_patch, multiedit, todoread). Everything
 * here reads untrusted data: each field is checked before use and nothing throws.
 *
 * Written by hand: these wordings and output formats are OpenCode's own, no library
 * knows them. The ANSI stripping is one regular expression, not worth a dependency.
 */

export { metadataOf, outputOf } from "./values";
export * from "./families";
export * from "./paths";
export * from "./outputs";
export * from "./edits";
export * from "./results";
export * from "./summary";
export * from "./value-rows";
export * from "./grouping";
