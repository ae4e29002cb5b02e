/**
 * A lookup that runs as the user types: debounced (nothing is asked until typing pauses)
 * and newest-wins (an answer to an older question is dropped, and its request aborted),
 * so a slow answer for "@he" never replaces the list for "@hello". Written by hand: it is
 * a timer and a counter, smaller than any library's wrapper around the same.
 */

export interface LatestLookup<Q> {
  /** Ask again; earlier questions that have not been answered yet are dropped. */
  ask(query: Q): void;
  /** Drop whatever is pending. */
  cancel(): void;
}

export function latestLookup<Q, R>(
  lookup: (query: Q, signal: AbortSignal) => Promise<R>,
  answer: (query: Q, result: R) => void,
  options: { delayMs: number; failed?: (query: Q, error: unknown) => void },
): LatestLookup<Q> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let asked = 0;
  let running: AbortController | undefined;

  const drop = () => {
    asked += 1;
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    running?.abort();
    running = undefined;
  };

  return {
    ask(query) {
      drop();
      const mine = asked;
      timer = setTimeout(() => {
        timer = undefined;
        const controller = new AbortController();
        running = controller;
        lookup(query, controller.signal).then(
          (result) => {
            if (mine === asked) answer(query, result);
          },
          (error: unknown) => {
            if (mine === asked) options.failed?.(query, error);
          },
        );
      }, options.delayMs);
    },
    cancel: drop,
  };
}
