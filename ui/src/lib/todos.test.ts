import { describe, expect, it } from "vitest";
import type { Todo } from "../api/types";
import { parseTodos, sameTodos, todoProgress, todoStatus, todoSummary } from "./todos";

const todo = (content: string, status: string): Todo => ({ content, status, priority: "medium" });

describe("todoProgress", () => {
  it("counts what is done and finds the item in progress", () => {
    const todos = [
      todo("Read hello.py", "completed"),
      todo("Clean up", "in_progress"),
      todo("Update the greeting", "pending"),
    ];
    const progress = todoProgress(todos);
    expect(progress).toMatchObject({ total: 3, completed: 1, finished: false });
    expect(progress.current?.content).toBe("Clean up");
    expect(todoSummary(progress)).toBe("1 of 3 done");
  });

  it("is finished when every item is completed or cancelled, never when empty", () => {
    const progress = todoProgress([todo("a", "completed"), todo("b", "cancelled")]);
    expect(progress.finished).toBe(true);
    expect(todoSummary(progress)).toBe("1 of 1 done");
    expect(todoProgress([]).finished).toBe(false);
  });

  it("treats an unknown status as pending", () => {
    expect(todoStatus(todo("a", "blocked"))).toBe("pending");
    expect(todoProgress([todo("a", "blocked")]).finished).toBe(false);
  });
});

describe("todo events", () => {
  it("keeps well-formed items and defaults what is missing", () => {
    expect(
      parseTodos([
        { content: "a", status: "completed", priority: "high", id: "1" },
        { content: "b" },
        { status: "pending" },
        "junk",
        null,
      ]),
    ).toEqual([
      { id: "1", content: "a", status: "completed", priority: "high" },
      { content: "b", status: "pending", priority: "medium" },
    ]);
    expect(parseTodos("nope")).toBeNull();
  });

  it("compares lists item by item", () => {
    const list = [todo("a", "pending")];
    expect(sameTodos(list, [todo("a", "pending")])).toBe(true);
    expect(sameTodos(list, [todo("a", "completed")])).toBe(false);
    expect(sameTodos(list, [])).toBe(false);
  });
});
