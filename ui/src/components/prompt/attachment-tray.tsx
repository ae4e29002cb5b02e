/**
 * What will go with the prompt: image thumbnails (from their data URLs) and chips for
 * PDFs and text files with name and size (when known: a sent file the server reads by URL
 * has none), each removable; and, when files were left out, why (too large, a type no
 * model takes), until dismissed or the next attach.
 */

import { For, Show, type JSX } from "solid-js";
import { sizeText, type Attachment, type Rejection } from "../../lib/prompt/attachments";
import { CloseIcon } from "../icons";
import { FileIcon } from "../files/file-icons";

export function AttachmentTray(props: {
  attachments: Attachment[];
  onRemove: (id: string) => void;
}): JSX.Element {
  return (
    <Show when={props.attachments.length > 0}>
      <ul class="attachments" aria-label="Attachments">
        <For each={props.attachments}>
          {(item) => (
            <li
              class="attachment"
              data-kind={item.kind}
              title={item.size > 0 ? `${item.filename}, ${sizeText(item.size)}` : item.filename}
            >
              <Show
                when={item.kind === "image"}
                fallback={
                  <span class="attachment-icon" data-kind={item.kind}>
                    <FileIcon />
                    <span class="attachment-type">{item.kind === "pdf" ? "PDF" : "TXT"}</span>
                  </span>
                }
              >
                <img class="attachment-thumb" src={item.url} alt="" />
              </Show>
              <span class="attachment-text">
                <span class="attachment-name">{item.filename}</span>
                <Show when={item.size > 0}>
                  <span class="attachment-size">{sizeText(item.size)}</span>
                </Show>
              </span>
              <button
                type="button"
                class="icon-button small attachment-remove"
                aria-label={`Remove ${item.filename}`}
                title="Remove"
                onClick={() => props.onRemove(item.id)}
              >
                <CloseIcon />
              </button>
            </li>
          )}
        </For>
      </ul>
    </Show>
  );
}

export function RejectedFiles(props: {
  rejected: Rejection[];
  onDismiss: () => void;
}): JSX.Element {
  return (
    <Show when={props.rejected.length > 0}>
      <div class="attach-errors" role="alert">
        <div class="attach-errors-text">
          <strong>
            {props.rejected.length === 1
              ? "Not attached:"
              : `${props.rejected.length} files not attached:`}
          </strong>
          <ul>
            <For each={props.rejected}>
              {(item) => (
                <li>
                  <span class="mono">{item.filename}</span>: {item.reason}
                </li>
              )}
            </For>
          </ul>
        </div>
        <button
          type="button"
          class="icon-button small"
          aria-label="Dismiss"
          onClick={() => props.onDismiss()}
        >
          <CloseIcon />
        </button>
      </div>
    </Show>
  );
}
