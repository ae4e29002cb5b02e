/**
 * Whether a mouse move is the user moving the pointer. Chromium also sends a move when
 * the content under a still pointer changes (a list filtered by typing, or scrolled by the
 * arrow keys), and a list that let that take its highlight would undo the keyboard's
 * choice. Those moves come at the same screen position as the last one, so only a change
 * of position counts. The first move the page sees counts for nothing: after a reload the
 * pointer may already rest over a list that opens by keyboard, and the move Chromium sends
 * then is no more the user's than the later ones (a real move sends many; the next counts).
 */

let lastX = Number.NaN;
let lastY = Number.NaN;

export function pointerMoved(event: Pick<MouseEvent, "screenX" | "screenY">): boolean {
  const known = !Number.isNaN(lastX);
  const moved = known && (event.screenX !== lastX || event.screenY !== lastY);
  lastX = event.screenX;
  lastY = event.screenY;
  return moved;
}
