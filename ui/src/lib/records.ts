/** Checks for data read back from storage or the network, before it is trusted. */

/** A plain object (not null, not an array): its fields can be read and checked. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
