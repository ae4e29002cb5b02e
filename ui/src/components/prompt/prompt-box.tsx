/**
 * The prompt box. Enter sends (Shift+Enter: a new line); while the agent works Enter
 * queues the follow-up (shown above the box, sent when the turn ends) and Ctrl/Cmd+Enter
 * sends it at once. `@` opens a list of sub-agents, files and symbols (sent as agent and
 * file parts: the server reads the file in); `/` at the start opens the commands (the
 * UI's built-ins and the server's); `!` at the start switches to shell mode (the command
 * runs in the session's shell; Esc, Backspace in an empty box, or deleting the whole
 * command at once leaves it; after a reload an unsent command comes back in shell mode, an
 * emptied box as an ordinary prompt). Files are attached by the paperclip, by paste and by
 * drag and drop, shown as removable previews, refused with the reason when too large or
 * of a type no model takes. Up at the start
 * and Down at the end walk the prompts sent before; the unsent text of each session
 * survives a reload. Tab (Shift+Tab) in an empty box cycles the agent.
 */

import {
  createEffect,
  createMemo,
  createSignal,
  on,
  onCleanup,
  onMount,
  Show,
  type JSX,
} from "solid-js";
import { problemOf, type Problem } from "../../api/problems";
import type { PromptChat } from "../../context/chat";
import { useModels } from "../../context/models";
import { usePromptData } from "../../context/prompt";
import {
  ACCEPT,
  readAttachments,
  type Attachment,
  type Rejection,
} from "../../lib/prompt/attachments";
import { parseCommand, type BuiltinAction } from "../../lib/prompt/commands";
import {
  boxOf,
  entryOf,
  loadDraft,
  PromptHistory,
  saveDraft,
  walksHistory,
} from "../../lib/prompt/history";
import { mentionSpans, mentionText, type Mention, type PromptInput } from "../../lib/prompt/parts";
import { mentionOf } from "../../lib/prompt/suggest";
import { replaceTrigger, triggerAt, type Trigger } from "../../lib/prompt/trigger";
import { localStore } from "../../lib/storage";
import { CloseIcon, SendIcon, StopIcon } from "../icons";
import { ProblemBox } from "../problem-box";
import { AgentPicker } from "./agent-picker";
import { AttachmentTray, RejectedFiles } from "./attachment-tray";
import { useBuiltinCommands, type Notice } from "./builtin-commands";
import { ModelPicker } from "./model-picker";
import { PaperclipIcon, ShellIcon } from "./prompt-icons";
import { QueueList } from "./queue-list";
import { optionId, SuggestionList } from "./suggestion-list";
import { createSuggestions } from "./use-suggestions";

const MAX_HEIGHT_PX = 280;
/** How the "send now" modifier is called on this machine (Ctrl or Cmd both work). */
const MOD =
  typeof navigator !== "undefined" && /Mac|iPhone|iPad/.test(navigator.userAgent) ? "⌘" : "Ctrl";
const LIST_ID = "prompt-suggestions";

/** What the page may do to the prompt box. */
export interface PromptHandle {
  /** What the box holds now. */
  current(): { text: string; attachments: readonly Attachment[] };
  /**
   * Put a prompt into the box, as an ordinary prompt (a reverted one comes back): its text,
   * its mentions (sent again while the text names them) and its attachments; undefined
   * empties the box.
   */
  fill(prompt: PromptInput | undefined): void;
  focus(): void;
}

/** A text box narrower than this (px) has no room for the placeholder's hints. */
const HINTS_WIDTH = 640;

export function PromptBox(props: {
  chat: PromptChat;
  busy: boolean;
  disabled?: boolean;
  /** Focus the box when it appears. */
  autofocus?: boolean;
  /** Where the unsent text is kept across reloads: the server and the session. */
  draftKey: string;
  /** Hands the page a way to fill the box (a reverted prompt comes back into it). */
  control?: (handle: PromptHandle) => void;
}): JSX.Element {
  const models = useModels();
  const data = usePromptData();
  const runBuiltin = useBuiltinCommands(props.chat);
  const storage = localStore();
  const history = new PromptHistory(storage);

  const [text, setText] = createSignal("");
  const [caret, setCaret] = createSignal(0);
  const [shell, setShell] = createSignal(false);
  const [attachments, setAttachments] = createSignal<Attachment[]>([]);
  const [rejected, setRejected] = createSignal<Rejection[]>([]);
  const [sending, setSending] = createSignal(false);
  const [stopping, setStopping] = createSignal(false);
  const [problem, setProblem] = createSignal<Problem | null>(null);
  const [notice, setNotice] = createSignal<Notice | null>(null);
  const [dismissed, setDismissed] = createSignal<string | null>(null);
  const [active, setActive] = createSignal(0);
  const [dragDepth, setDragDepth] = createSignal(0);
  /**
   * Every mention picked in this box: what the sent text still names of them goes as
   * file and agent parts (a prompt recalled from history or edited keeps its files).
   */
  const known = new Map<string, Mention>();
  const mentionsIn = (value: string) =>
    [...known.values()].filter((mention) => mentionSpans(value, [mention]).length > 0);
  let input: HTMLTextAreaElement | undefined;
  let picker: HTMLInputElement | undefined;
  /** The input under way deletes the whole command (select all, then Delete or cut). */
  let clearing = false;

  // ---- text, caret, size ----
  const fit = () => {
    if (!input) return;
    input.style.height = "auto";
    input.style.height = `${Math.min(input.scrollHeight, MAX_HEIGHT_PX)}px`;
  };
  const syncCaret = () => {
    if (input) setCaret(input.selectionStart ?? text().length);
  };
  /** Put text into the box, the caret at `at`. */
  const show = (value: string, at: number = value.length) => {
    setText(value);
    setCaret(at);
    queueMicrotask(() => {
      if (input) {
        if (input.value !== value) input.value = value;
        input.setSelectionRange(at, at);
      }
      fit();
    });
  };
  /** A stored entry (history, draft): `!` and a command means shell mode, `!` alone none. */
  const showEntry = (entry: string) => {
    const box = boxOf(entry);
    setShell(box.shell);
    show(box.text);
  };
  /** What is kept of the box: shell mode only with a command in it. */
  const stored = () => entryOf({ shell: shell(), text: text() });

  // The draft of this session, from before a reload.
  showEntry(loadDraft(storage, props.draftKey));
  createEffect(() => saveDraft(storage, props.draftKey, stored()));

  props.control?.({
    current: () => ({ text: text(), attachments: attachments() }),
    fill(prompt) {
      for (const mention of prompt?.mentions ?? []) known.set(mentionText(mention), mention);
      // Shell mode only with a command to run, as a stored entry.
      setShell(prompt?.shell === true && prompt.text.trim() !== "");
      show(prompt?.text ?? "");
      setAttachments(prompt ? [...prompt.attachments] : []);
      setRejected([]);
    },
    focus: () => input?.focus(),
  });
  onMount(() => {
    if (props.autofocus) input?.focus();
    fit();
  });

  // ---- suggestions ----
  const trigger = createMemo<Trigger | null>(() =>
    shell() || props.disabled ? null : triggerAt(text(), caret()),
  );
  const triggerKey = (found: Trigger) => `${found.kind}:${found.start}`;
  const suggestions = createSuggestions(trigger);
  const open = () => {
    const found = trigger();
    return found !== null && dismissed() !== triggerKey(found);
  };
  createEffect(() => {
    if (trigger() === null) setDismissed(null);
  });
  // Keep the active option when the list refreshes, else start at the top.
  let activeID: string | undefined;
  createEffect(
    on(suggestions.items, (items) => {
      const kept = items.findIndex((item) => item.id === activeID);
      setActive(kept >= 0 ? kept : 0);
    }),
  );
  createEffect(() => {
    activeID = suggestions.items()[active()]?.id;
  });
  const items = () => (open() ? suggestions.items() : []);

  const pick = (index: number) => {
    const found = trigger();
    const item = suggestions.items()[index];
    if (!found || !item) return;
    if (item.kind === "command") {
      const command = item.command;
      if (command.source === "builtin" && command.action) {
        show("");
        void builtin(command.action, `/${command.name}`);
        return;
      }
      // A server command takes arguments: it waits in the box for them and Enter.
      const next = replaceTrigger(text(), found, `/${command.name}`);
      show(next.text, next.caret);
      return;
    }
    const mention = mentionOf(item);
    if (!mention) return;
    known.set(mentionText(mention), mention);
    const next = replaceTrigger(text(), found, mentionText(mention));
    show(next.text, next.caret);
  };

  // ---- attachments ----
  const attach = async (files: File[]) => {
    if (files.length === 0 || props.disabled) return;
    const { added, rejected: left } = await readAttachments(files, attachments());
    setAttachments([...attachments(), ...added]);
    setRejected(left);
  };
  const dragging = () => dragDepth() > 0;
  const hasFiles = (event: DragEvent) => [...(event.dataTransfer?.types ?? [])].includes("Files");

  // ---- sending ----
  const clearBox = () => {
    setShell(false);
    show("");
    setAttachments([]);
    setRejected([]);
  };
  const builtin = async (action: BuiltinAction, typed: string) => {
    setProblem(null);
    setNotice(null);
    history.add(typed);
    try {
      const said = await runBuiltin(action);
      if (said) setNotice(said);
    } catch (error) {
      const found = problemOf(error);
      setProblem({ ...found, title: `${typed}: ${found.title}` });
    } finally {
      input?.focus();
    }
  };

  const submit = async (now: boolean) => {
    const value = text();
    if (props.disabled) return;
    if (value.trim() === "" && (shell() || attachments().length === 0)) return;
    if (!shell()) {
      const parsed = parseCommand(value);
      const own =
        parsed &&
        parsed.arguments === "" &&
        data.commands().find((item) => item.name === parsed.name && item.source === "builtin");
      if (own && own.action) {
        clearBox();
        await builtin(own.action, value.trim());
        return;
      }
    }
    const kept = {
      text: value,
      shell: shell(),
      attachments: attachments(),
    };
    const prompt: PromptInput = {
      text: kept.shell ? value.trim() : value,
      mentions: mentionsIn(value),
      attachments: kept.attachments,
      ...(kept.shell ? { shell: true } : {}),
    };
    history.add(stored());
    setProblem(null);
    setNotice(null);
    clearBox();
    setSending(true);
    // Another Enter meanwhile is another prompt: it queues behind this one.
    try {
      if (now) await props.chat.send(prompt);
      else await props.chat.submit(prompt);
    } catch (error) {
      // Nothing was sent: give it all back.
      if (text() === "" && attachments().length === 0) {
        setShell(kept.shell);
        show(kept.text);
        setAttachments(kept.attachments);
      }
      const found = problemOf(error);
      setProblem({ ...found, title: `Not sent: ${found.title}` });
    } finally {
      setSending(false);
      input?.focus();
    }
  };

  const stop = async () => {
    if (stopping()) return;
    setStopping(true);
    setProblem(null);
    try {
      await props.chat.stop();
    } catch (error) {
      setProblem(problemOf(error));
    } finally {
      setStopping(false);
    }
  };

  const queuedNow = async (id: string) => {
    setProblem(null);
    try {
      await props.chat.sendQueuedNow(id);
    } catch (error) {
      const found = problemOf(error);
      setProblem({ ...found, title: `Not sent: ${found.title}` });
    }
  };
  const editQueued = (id: string) => {
    const taken = props.chat.unqueue(id);
    if (!taken) return;
    // Into the box, after whatever is there already.
    for (const mention of taken.mentions) known.set(mentionText(mention), mention);
    const before = text().trim() === "" ? "" : `${text()}\n`;
    if (before === "") setShell(taken.shell === true);
    show(before + taken.text);
    setAttachments([...attachments(), ...taken.attachments]);
    input?.focus();
  };

  // ---- keys ----
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.isComposing) return;
    const mod = event.ctrlKey || event.metaKey;
    if (open()) {
      const list = suggestions.items();
      const count = list.length;
      if (count > 0 && (event.key === "ArrowDown" || event.key === "ArrowUp")) {
        event.preventDefault();
        const step = event.key === "ArrowDown" ? 1 : -1;
        setActive((active() + step + count) % count);
        return;
      }
      if (
        count > 0 &&
        ((event.key === "Enter" && !event.shiftKey && !mod) ||
          (event.key === "Tab" && !event.shiftKey))
      ) {
        event.preventDefault();
        pick(active());
        return;
      }
      if (event.key === "Escape") {
        event.preventDefault();
        const found = trigger();
        if (found) setDismissed(triggerKey(found));
        return;
      }
    }
    if (shell()) {
      if (event.key === "Escape" || (event.key === "Backspace" && text() === "")) {
        event.preventDefault();
        setShell(false);
        return;
      }
    }
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      void submit(mod);
      return;
    }
    if ((event.key === "ArrowUp" || event.key === "ArrowDown") && !mod && !event.shiftKey) {
      const target = event.currentTarget as HTMLTextAreaElement;
      const up = event.key === "ArrowUp";
      const selection = { start: target.selectionStart, end: target.selectionEnd };
      if (!walksHistory(up ? "up" : "down", text(), selection, history.walking())) return;
      const next = up ? history.older(stored()) : history.newer();
      if (next === null) return;
      event.preventDefault();
      showEntry(next);
      return;
    }
    if (event.key === "Tab" && !mod && !event.altKey) {
      // Only an empty box: with text, Tab moves the focus on as everywhere else.
      if (text() !== "" || shell() || attachments().length > 0) return;
      event.preventDefault();
      models.cycleAgent(event.shiftKey ? -1 : 1);
    }
  };

  const queueing = () => props.busy || props.chat.queued().length > 0;
  // In a narrow box (a phone, or beside a side panel) the hints would wrap the box to two
  // lines; on a phone its keys are not there either. The box's own width decides.
  const [brief, setBrief] = createSignal(window.innerWidth < HINTS_WIDTH);
  onMount(() => {
    if (!input || typeof ResizeObserver === "undefined") return;
    const box = input;
    const observer = new ResizeObserver(() => setBrief(box.clientWidth < HINTS_WIDTH));
    observer.observe(box);
    onCleanup(() => observer.disconnect());
  });
  const placeholder = () => {
    const [words, hint] = shell()
      ? ["Shell command…", "(Enter runs it · Esc leaves shell mode)"]
      : queueing()
        ? ["Add a follow-up…", `(Enter queues it · ${MOD}+Enter sends it now)`]
        : ["Ask anything…", "(@ files and agents · / commands · ! shell · Shift+Enter new line)"];
    return brief() ? words : `${words} ${hint}`;
  };
  const canSend = () =>
    !props.disabled && (text().trim() !== "" || (!shell() && attachments().length > 0));

  return (
    <form
      class="prompt"
      onSubmit={(event) => {
        event.preventDefault();
        void submit(false);
      }}
    >
      <QueueList
        items={props.chat.queued()}
        paused={props.chat.queuePaused()}
        onSendNow={(id) => void queuedNow(id)}
        onEdit={editQueued}
        onRemove={(id) => void props.chat.unqueue(id)}
        onResume={() => props.chat.resumeQueue()}
      />
      <Show when={notice()}>
        {(said) => (
          <div class="prompt-notice" role="status">
            <span>
              {said().text}
              <Show when={said().url}>
                {(url) => (
                  <>
                    {" "}
                    <a href={url()} target="_blank" rel="noopener noreferrer">
                      {url()}
                    </a>
                  </>
                )}
              </Show>
            </span>
            <button
              type="button"
              class="icon-button small"
              aria-label="Dismiss"
              onClick={() => setNotice(null)}
            >
              <CloseIcon />
            </button>
          </div>
        )}
      </Show>
      <Show when={problem()}>{(found) => <ProblemBox problem={found()} />}</Show>
      <Show when={props.chat.sendProblem()}>
        {(found) => (
          <div class="action-problem">
            <ProblemBox problem={found()} />
            <button
              type="button"
              class="icon-button small"
              aria-label="Dismiss"
              onClick={() => props.chat.clearSendProblem()}
            >
              <CloseIcon />
            </button>
          </div>
        )}
      </Show>
      <RejectedFiles rejected={rejected()} onDismiss={() => setRejected([])} />
      <div
        class="prompt-box"
        classList={{ shell: shell(), dragging: dragging() }}
        onDragEnter={(event) => {
          if (!hasFiles(event) || props.disabled) return;
          event.preventDefault();
          setDragDepth(dragDepth() + 1);
        }}
        onDragOver={(event) => {
          if (!hasFiles(event) || props.disabled) return;
          event.preventDefault();
          if (event.dataTransfer) event.dataTransfer.dropEffect = "copy";
        }}
        onDragLeave={() => setDragDepth(Math.max(0, dragDepth() - 1))}
        onDrop={(event) => {
          if (!hasFiles(event)) return;
          event.preventDefault();
          setDragDepth(0);
          void attach([...(event.dataTransfer?.files ?? [])]);
        }}
      >
        <Show when={open()}>
          <SuggestionList
            id={LIST_ID}
            kind={trigger()?.kind ?? "mention"}
            items={items()}
            active={active()}
            loading={suggestions.loading()}
            onPick={pick}
            onHover={setActive}
          />
        </Show>
        <AttachmentTray
          attachments={attachments()}
          onRemove={(id) => setAttachments(attachments().filter((item) => item.id !== id))}
        />
        <div class="prompt-input-row">
          <Show when={shell()}>
            <span class="shell-badge" id="prompt-shell-mode" title="Runs in the session's shell">
              <ShellIcon />
              <span>Shell</span>
            </span>
          </Show>
          <label for="prompt-input" class="sr-only">
            Prompt
          </label>
          <textarea
            id="prompt-input"
            ref={input}
            rows={1}
            classList={{ mono: shell() }}
            placeholder={placeholder()}
            value={text()}
            disabled={props.disabled}
            aria-autocomplete="list"
            aria-controls={open() ? LIST_ID : undefined}
            aria-activedescendant={items().length > 0 ? optionId(LIST_ID, active()) : undefined}
            aria-describedby={shell() ? "prompt-shell-mode" : undefined}
            onBeforeInput={(event) => {
              const target = event.currentTarget;
              clearing =
                shell() &&
                event.inputType.startsWith("delete") &&
                target.value !== "" &&
                target.selectionStart === 0 &&
                target.selectionEnd === target.value.length;
            }}
            onInput={(event) => {
              const target = event.currentTarget;
              let value = target.value;
              let at = target.selectionStart ?? value.length;
              if (clearing && value === "") {
                // The box emptied at once: it is cleared, so an ordinary prompt follows.
                setShell(false);
              }
              clearing = false;
              if (!shell() && value.startsWith("!")) {
                // `!` at the start: shell mode, and the `!` is the mode, not the command.
                setShell(true);
                value = value.slice(1);
                at = Math.max(0, at - 1);
                target.value = value;
                target.setSelectionRange(at, at);
              }
              history.reset();
              setText(value);
              setCaret(at);
              fit();
            }}
            onKeyDown={onKeyDown}
            onKeyUp={syncCaret}
            onClick={syncCaret}
            onFocus={syncCaret}
            onPaste={(event) => {
              const files = [...(event.clipboardData?.files ?? [])];
              if (files.length === 0) return;
              // A copied image has no text: nothing else to paste.
              if (!event.clipboardData?.types.includes("text/plain")) event.preventDefault();
              void attach(files);
            }}
          />
        </div>
        <div class="prompt-bar">
          <input
            ref={picker}
            type="file"
            multiple
            accept={ACCEPT}
            class="sr-only"
            tabindex={-1}
            aria-hidden="true"
            onChange={(event) => {
              const files = [...(event.currentTarget.files ?? [])];
              event.currentTarget.value = "";
              void attach(files);
            }}
          />
          <button
            type="button"
            class="icon-button attach"
            aria-label="Attach files"
            title="Attach images, PDFs or text files (or paste them, or drop them here)"
            disabled={props.disabled}
            onClick={() => picker?.click()}
          >
            <PaperclipIcon />
          </button>
          <AgentPicker />
          <ModelPicker />
          <div class="prompt-spacer" />
          <Show when={props.busy}>
            <button
              type="button"
              class="button stop"
              onClick={() => void stop()}
              disabled={stopping()}
              aria-busy={stopping()}
            >
              <StopIcon />
              <span>Stop</span>
            </button>
          </Show>
          <button
            type="submit"
            class="button primary send"
            disabled={!canSend()}
            aria-busy={sending()}
            aria-label={shell() ? "Run" : queueing() ? "Queue" : "Send"}
            title={
              shell()
                ? "Run in the shell (Enter)"
                : queueing()
                  ? `Queue: sent when the agent is done (Enter); ${MOD}+Enter sends now`
                  : "Send (Enter)"
            }
          >
            <Show when={shell()} fallback={<SendIcon />}>
              <ShellIcon />
            </Show>
          </button>
        </div>
        <Show when={dragging()}>
          <div class="drop-target" aria-hidden="true">
            <PaperclipIcon />
            <span>Drop files to attach them</span>
          </div>
        </Show>
      </div>
    </form>
  );
}
