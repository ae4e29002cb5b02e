/**
 * A session's title as people read it. OpenCode names a session it has not titled yet
 * "New session - 2026-12-01T14:26:20.146Z" (a sub-agent's "Child session - …"); until
 * the real title arrives that reads as "New session · 14:26", in local time.
 */

const PLACEHOLDER =
  /^(New session|Child session) - (\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d(?:\.\d+)?)?Z)$/;

/** "14:26": hours and minutes, 24-hour, local time. */
export function clockTime(time: number): string {
  const date = new Date(time);
  const pad = (value: number) => String(value).padStart(2, "0");
  return `${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** Whether the title is still OpenCode's placeholder (the real one has not come yet). */
export function isPlaceholderTitle(title: string): boolean {
  return PLACEHOLDER.test(title.trim());
}

/** The title to show: the session's own, or its placeholder made readable. */
export function displayTitle(session: { title?: string; time?: { created?: number } }): string {
  const title = (session.title ?? "").trim();
  const match = PLACEHOLDER.exec(title);
  if (match) {
    const parsed = Date.parse(match[2]!);
    const when = Number.isNaN(parsed) ? session.time?.created : parsed;
    return when === undefined ? match[1]! : `${match[1]} · ${clockTime(when)}`;
  }
  if (title !== "") return title;
  return session.time?.created !== undefined
    ? `New session · ${clockTime(session.time.created)}`
    : "Untitled session";
}
