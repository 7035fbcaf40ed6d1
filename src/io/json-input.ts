/**
 * Reading user-supplied JSON files with errors that name the file and what is wrong, in one line.
 *
 * @example
 *   const rows = readRationalMatrix("m.json"); // [[1,2],["1/2","0.25"]] → Rational[][]
 */
import { readFileSync } from "node:fs";
import type { z } from "zod";
import { Rational } from "../numbers/rational.ts";
import { UserError } from "../errors.ts";

/** Parses the file as JSON; a missing or malformed file is a UserError naming it. */
export function readJsonFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(`${path}: cannot read file${code === "ENOENT" ? " (no such file)" : code ? ` (${code})` : ""}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UserError(`${path}: malformed JSON (${(e as Error).message.split("\n")[0]})`);
  }
}

/** Validates `data` against a zod schema; the first issue becomes a one-line UserError with its JSON path. */
export function validate<T>(schema: z.ZodType<T>, data: unknown, where: string): T {
  const r = schema.safeParse(data);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const path = issue.path.length ? issue.path.map(String).join(".") : "(top level)";
  throw new UserError(`${where}: invalid at ${path}: ${issue.message}`);
}

/** Parses one matrix entry (number or numeric string) or throws a UserError naming its position. */
export function parseEntry(v: unknown, where: string): Rational {
  if (typeof v === "number" && !Number.isFinite(v)) throw new UserError(`${where}: not a finite number`);
  if (typeof v !== "number" && typeof v !== "string") throw new UserError(`${where}: expected a number or numeric string, got ${JSON.stringify(v)}`);
  try {
    return Rational.from(v);
  } catch {
    throw new UserError(`${where}: cannot parse ${JSON.stringify(v)} as a number`);
  }
}

/** A non-empty rectangular matrix of rationals from JSON data (array of rows). */
export function toRationalMatrix(data: unknown, file: string): Rational[][] {
  if (!Array.isArray(data)) throw new UserError(`${file}: expected an array of rows`);
  if (data.length === 0) throw new UserError(`${file}: the matrix has no rows`);
  let width = -1;
  return data.map((row, i) => {
    if (!Array.isArray(row)) throw new UserError(`${file}: row ${i} is not an array`);
    if (width < 0) width = row.length;
    if (row.length !== width) throw new UserError(`${file}: ragged matrix: row ${i} has ${row.length} entries, row 0 has ${width}`);
    return row.map((v, j) => parseEntry(v, `${file}: entry [${i}][${j}]`));
  });
}

export function readRationalMatrix(path: string): Rational[][] {
  return toRationalMatrix(readJsonFile(path), path);
}
