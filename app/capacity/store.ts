/**
 * The capacity JSONL file: one line per finished configuration. Lines are appended with a single
 * write(2) on an O_APPEND descriptor and fsync'd, so a killed run leaves at most one half-written
 * last line; on resume that tail is cut off (truncated back to the last newline) before anything is
 * appended, and every complete line whose key matches a pending configuration is skipped.
 *
 * @example
 *   const done = loadFinished("sweep.jsonl"); // Map key → record (a half-written tail removed)
 *   appendRecord("sweep.jsonl", record);
 */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, truncateSync, writeSync } from "node:fs";
import { prepareOutput } from "../../src/io/output.ts";
import type { CapacityRecord } from "./search-job.ts";

export interface LoadResult {
  finished: Map<string, CapacityRecord>;
  /** bytes cut from a half-written tail (0: the file ended with a newline) */
  truncatedBytes: number;
  /** complete lines that did not parse as a capacity record (kept, not counted) */
  badLines: number;
}

/**
 * Reads the finished records of a JSONL file and repairs a half-written tail. A missing file is empty.
 * @example loadFinished("/tmp/none.jsonl").finished.size === 0
 */
export function loadFinished(path: string): LoadResult {
  const finished = new Map<string, CapacityRecord>();
  if (!existsSync(path)) return { finished, truncatedBytes: 0, badLines: 0 };
  const buf = readFileSync(path);
  const lastNl = buf.lastIndexOf(0x0a);
  const keep = lastNl + 1;
  const truncatedBytes = buf.length - keep;
  if (truncatedBytes > 0) truncateSync(path, keep);
  let badLines = 0;
  for (const line of buf.subarray(0, keep).toString("utf8").split("\n")) {
    if (line.trim() === "") continue;
    try {
      const r = JSON.parse(line) as CapacityRecord;
      if (typeof r.key !== "string" || typeof r.capacity !== "number") throw new Error("not a record");
      finished.set(r.key, r);
    } catch {
      badLines++;
    }
  }
  return { finished, truncatedBytes, badLines };
}

/**
 * Appends one record as one line (single write, then fsync).
 * @example appendRecord("out.jsonl", rec)
 */
export function appendRecord(path: string, r: CapacityRecord): void {
  prepareOutput(path, { what: "capacity log" });
  const fd = openSync(path, "a");
  try {
    writeSync(fd, JSON.stringify(r) + "\n");
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
