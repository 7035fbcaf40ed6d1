/**
 * Reading a matrix file for the linear-algebra commands, fast for the common case.
 *
 * The file format and every error message are those of src/io/json-input.ts (`toRationalMatrix`):
 * an array of rows, entries numbers or strings ("3", "-2/7", "0.125"). When every entry is an
 * integer (decimal integer text or a safe integer number) the entries go straight into an
 * IntMatrix with no BigInt or Rational objects — the case of large benchmark matrices; anything
 * else takes the general path, which also produces the one-line errors for bad input.
 *
 * @example
 *   const f = readMatrixFile("m.json");
 *   certifiedRank(f.int).rank
 */
import { Rational } from "../numbers/rational.ts";
import { readJsonFile, toRationalMatrix } from "../io/json-input.ts";
import { UserError } from "../errors.ts";
import { IntMatrix, isIntegerText } from "./intmatrix.ts";
import { scanIntegerMatrix } from "./scan.ts";
import { readFileSync } from "node:fs";

export interface MatrixFile {
  path: string;
  m: number;
  n: number;
  /** Integer matrix with the same rank and right null space (rows scaled by their denominators). */
  int: IntMatrix;
  /** The matrix as written, over Q (built on first use). */
  rational(): Rational[][];
}

export function readMatrixFile(path: string): MatrixFile {
  let bytes: Buffer | null = null;
  try {
    bytes = readFileSync(path);
  } catch {
    /* readJsonFile below words the error */
  }
  const scanned = bytes ? scanIntegerMatrix(bytes) : null;
  if (scanned) return fromInt(path, scanned);
  const data = readJsonFile(path);
  const fast = integerTexts(data);
  if (fast) return fromInt(path, IntMatrix.fromDecimalStrings(fast));
  const rat = toRationalMatrix(data, path);
  if (rat[0]!.length === 0) throw new UserError(`${path}: the rows are empty`);
  const int = IntMatrix.fromRationals(rat).matrix;
  return { path, m: int.m, n: int.n, int, rational: () => rat };
}

function fromInt(path: string, int: IntMatrix): MatrixFile {
  let rat: Rational[][] | null = null;
  return { path, m: int.m, n: int.n, int, rational: () => (rat ??= int.bigRows().map((r) => r.map((x) => Rational.fromBigInt(x)))) };
}

/** The entries as integer texts when the data is a non-empty rectangular all-integer matrix, else null. */
function integerTexts(data: unknown): string[][] | null {
  if (!Array.isArray(data) || data.length === 0) return null;
  const first = data[0];
  if (!Array.isArray(first) || first.length === 0) return null;
  const n = first.length;
  const out: string[][] = new Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const row: unknown = data[i];
    if (!Array.isArray(row) || row.length !== n) return null;
    const texts: string[] = new Array(n);
    for (let j = 0; j < n; j++) {
      const v: unknown = row[j];
      if (typeof v === "string") {
        if (!isIntegerText(v)) return null;
        texts[j] = v;
      } else if (typeof v === "number" && Number.isSafeInteger(v)) texts[j] = String(v);
      else return null;
    }
    out[i] = texts;
  }
  return out;
}
