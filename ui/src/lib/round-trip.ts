/**
 * A request's round trip as the network saw it: from the request being sent to the
 * first byte of the answer (Resource Timing's `requestStart` to `responseStart`), not
 * the time a `fetch` took to settle. While the page loads, a fetch also waits for a free
 * connection (six per origin, some held by event streams) and for the main thread, which
 * made a server 2 ms away look 200 ms away.
 *
 * Requests through the proxy share a URL (the server is named in a header), so the entry
 * is found by when it started: the first one named so that started at or after the call
 * (`fetch` records its start synchronously, in call order).
 */

/** The fields used of a `PerformanceResourceTiming`. */
export interface TimingLike {
  name: string;
  startTime: number;
  requestStart: number;
  responseStart: number;
}

/** The network round trip of the request to `url` started at `started`, if timed. */
export function networkRoundTrip(
  entries: readonly TimingLike[],
  url: string,
  started: number,
): number | undefined {
  let found: TimingLike | undefined;
  for (const entry of entries) {
    if (entry.name !== url || entry.startTime < started) continue;
    if (found === undefined || entry.startTime < found.startTime) found = entry;
  }
  // Zero when the browser did not time it (a cross-origin answer without permission).
  if (!found || found.requestStart <= 0 || found.responseStart < found.requestStart) return;
  return found.responseStart - found.requestStart;
}

/** The round trip of a request to `relative` started at `started` (`performance.now()`),
 * else `fallbackMs` (what the fetch took). Entries are cleared once the buffer fills. */
export function measuredRoundTrip(relative: string, started: number, fallbackMs: number): number {
  let measured: number | undefined;
  try {
    const url = new URL(relative, document.baseURI).href;
    const entries = performance.getEntriesByName(url, "resource") as PerformanceResourceTiming[];
    measured = networkRoundTrip(entries, url, started);
    if (performance.getEntriesByType("resource").length > 200) {
      performance.clearResourceTimings();
    }
  } catch {
    // No Resource Timing here: what the fetch took will do.
  }
  return Math.max(0, Math.round(measured ?? fallbackMs));
}
