/**
 * memcap's one way of writing output: the target is validated first (one line each: "is a
 * directory", "parent … is a file", "not writable"), missing parent folders are made one at a time
 * (never a recursive mkdir that can loop on odd file systems such as /proc), content goes to a
 * temporary sibling that is renamed into place, and every temporary still open is removed on error,
 * on exit and on SIGINT/SIGTERM (the CLI entry calls `removeTemporaries` from its signal handler).
 *
 * @example
 *   writeFileAtomic("out/cert.json", JSON.stringify(cert));
 *   const log = openJsonlLog("train.jsonl"); log.append({ step: 1 }); log.close();
 */
import { accessSync, closeSync, constants, fsyncSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { UserError } from "../errors.ts";
import { writeJsonPieces } from "./json-stream.ts";

const temporaries = new Set<string>();
let serial = 0;
const kept = new Map<string, () => string>();

/** What an interrupted run keeps, in words, for the CLI's one interrupt line ("the log t.jsonl (12 lines)"). */
export function keptOnInterrupt(): string[] {
  return [...kept.values()].map((f) => f());
}

/** Removes every temporary file or folder this process still holds (idempotent). */
export function removeTemporaries(): void {
  for (const t of temporaries) rmSync(t, { recursive: true, force: true });
  temporaries.clear();
}
process.on("exit", removeTemporaries);

/** "missing" also when a parent is a file (ENOTDIR): the walk up finds that parent. */
function kindOf(path: string, shown: string): "missing" | "directory" | "file" {
  try {
    return statSync(path).isDirectory() ? "directory" : "file";
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return "missing";
    throw new UserError(`${shown}: cannot be inspected (${code})`);
  }
}

/**
 * Checks that `path` can be written as a file (or, with `folder`, replaced as a folder), without
 * touching the file system. Returns the absolute target and the parent folders that are missing.
 * Throws a one-line UserError naming what is wrong.
 */
export function checkOutput(path: string, o: { folder?: boolean; what?: string } = {}): { target: string; missing: string[] } {
  const what = o.what ?? "output";
  const target = resolve(path);
  const kind = kindOf(target, path);
  if (!o.folder && kind === "directory") throw new UserError(`${path}: is a directory (the ${what} must be a file path)`);
  if (o.folder && kind === "file") throw new UserError(`${path}: is a file (the ${what} must be a folder path)`);
  const missing: string[] = [];
  let dir = dirname(target);
  for (;;) {
    const k = kindOf(dir, path);
    if (k === "directory") break;
    if (k === "file") throw new UserError(`${path}: parent ${dir === resolve(dirname(path)) ? dirname(path) : dir} is a file, not a folder`);
    missing.push(dir);
    const up = dirname(dir);
    if (up === dir) throw new UserError(`${path}: no existing parent folder`);
    dir = up;
  }
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    throw new UserError(`${path}: ${dir} is not writable`);
  }
  return { target, missing: missing.reverse() };
}

/** `checkOutput`, then makes the missing parent folders one at a time. */
export function prepareOutput(path: string, o: { folder?: boolean; what?: string } = {}): string {
  const { target, missing } = checkOutput(path, o);
  for (const m of missing) {
    try {
      mkdirSync(m);
    } catch (e) {
      throw new UserError(`${path}: cannot create folder ${m} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
  }
  return target;
}

/** A fresh temporary path beside `target`, removed on exit unless it was renamed into place. */
export function temporaryBeside(target: string): string {
  const t = join(dirname(target), `.${basename(target)}.tmp-${process.pid}-${serial++}`);
  temporaries.add(t);
  return t;
}

/** Moves a temporary into place and stops tracking it. */
export function commitTemporary(tmp: string, target: string): void {
  renameSync(tmp, target);
  temporaries.delete(tmp);
}

/** Drops a temporary (after an error). */
export function discardTemporary(tmp: string): void {
  rmSync(tmp, { recursive: true, force: true });
  temporaries.delete(tmp);
}

/** Writes `content` to `path` atomically: validated target, temporary sibling, rename. */
export function writeFileAtomic(path: string, content: string | Uint8Array, what = "output"): void {
  const target = prepareOutput(path, { what });
  const tmp = temporaryBeside(target);
  try {
    writeFileSync(tmp, content);
    commitTemporary(tmp, target);
  } catch (e) {
    discardTemporary(tmp);
    if (e instanceof UserError) throw e;
    throw new UserError(`${path}: cannot write (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

/**
 * Writes `value` as JSON (the bytes of JSON.stringify(value) + "\n") to `path` atomically, streaming it
 * in ~1 MiB chunks (json-stream.ts): a large certificate is never held as one string.
 */
export function writeJsonAtomic(path: string, value: unknown, what = "output"): void {
  const target = prepareOutput(path, { what });
  const tmp = temporaryBeside(target);
  let fd: number | null = null;
  try {
    fd = openSync(tmp, "w");
    const out = fd;
    let chunk: string[] = [];
    let size = 0;
    const flush = () => {
      if (size) writeSync(out, chunk.join(""));
      chunk = [];
      size = 0;
    };
    writeJsonPieces(value, (piece) => {
      chunk.push(piece);
      if ((size += piece.length) >= 1 << 20) flush();
    });
    chunk.push("\n");
    size++;
    flush();
    closeSync(fd);
    fd = null;
    commitTemporary(tmp, target);
  } catch (e) {
    if (fd !== null) closeSync(fd);
    discardTemporary(tmp);
    if (e instanceof UserError) throw e;
    if (e instanceof TypeError) throw e; // a value JSON cannot encode is a bug, not an output problem
    throw new UserError(`${path}: cannot write (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

export interface JsonlLog {
  /** Appends one record as one line and flushes it to disk. */
  append(record: unknown): void;
  close(): void;
}

/**
 * A JSONL log written as it goes (one line per record, fsync'd), so an interrupted run keeps every
 * line written so far. The file is truncated when opened.
 */
export function openJsonlLog(path: string, replacer?: (key: string, value: unknown) => unknown): JsonlLog {
  const target = prepareOutput(path, { what: "log" });
  let fd: number | null;
  try {
    fd = openSync(target, "w");
  } catch (e) {
    throw new UserError(`${path}: cannot open for writing (${(e as NodeJS.ErrnoException).code})`);
  }
  let lines = 0;
  kept.set(target, () => `${path} (${lines} line${lines === 1 ? "" : "s"})`);
  return {
    append(record) {
      if (fd === null) throw new Error(`log ${path} is closed`);
      writeSync(fd, JSON.stringify(record, replacer as never) + "\n");
      fsyncSync(fd);
      lines++;
    },
    close() {
      if (fd !== null) closeSync(fd);
      fd = null;
    },
  };
}
