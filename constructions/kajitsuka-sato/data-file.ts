/**
 * The `--data FILE` format of `memcap construct ks-next-token | ks-seq2seq` (docs/kajitsuka-sato.md):
 *
 *   { "tokens":    [[x₁…x_d], …],        token vectors (numbers or exact rational strings "1/8")
 *     "sequences": [[i₁…i_n], …],        token indices into "tokens", all of the same length n
 *     "labels":    [y₁, …]              next-token: one integer per sequence;
 *                  [[y₁…y_n], …] }      seq2seq: one integer per position
 *
 * Checked before anything is built: rectangular tokens, no duplicate token vectors (they would be one
 * token), indices in range, equal lengths, integer labels of the right shape, and label consistency
 * (eq. 5). Every failure is a one-line UserError naming where.
 *
 * @example
 *   readSequenceDataFile("data.json", false) // SequenceDataset
 */
import { UserError } from "../../src/errors.ts";
import { readJsonFile, toRationalMatrix } from "../../src/io/json-input.ts";
import { findInconsistency, separation, type SequenceDataset } from "../../src/data/sequences.ts";

function intLabel(v: unknown, where: string): bigint {
  if (typeof v === "number" && Number.isSafeInteger(v)) return BigInt(v);
  if (typeof v === "string" && /^\s*-?\d+\s*$/.test(v)) return BigInt(v.trim());
  throw new UserError(`${where}: labels must be integers, got ${JSON.stringify(v)}`);
}

/** Parses and validates a dataset object (already read from JSON). */
export function parseSequenceData(data: unknown, file: string, seq2seq: boolean, check = true): SequenceDataset {
  if (typeof data !== "object" || data === null || Array.isArray(data)) throw new UserError(`${file}: expected an object with "tokens", "sequences" and "labels"`);
  const o = data as Record<string, unknown>;
  for (const k of ["tokens", "sequences", "labels"]) if (!(k in o)) throw new UserError(`${file}: missing "${k}"`);
  const tokens = toRationalMatrix(o.tokens, `${file}: tokens`);
  if (!Array.isArray(o.sequences) || o.sequences.length === 0) throw new UserError(`${file}: "sequences" must be a non-empty array`);
  const sequences = o.sequences.map((s, i) => {
    if (!Array.isArray(s) || s.length === 0) throw new UserError(`${file}: sequence ${i} must be a non-empty array of token indices`);
    return s.map((t, k) => {
      if (typeof t !== "number" || !Number.isInteger(t) || t < 0 || t >= tokens.length) throw new UserError(`${file}: sequence ${i} position ${k}: token index ${JSON.stringify(t)} is not in 0…${tokens.length - 1}`);
      return t;
    });
  });
  const n = sequences[0]!.length;
  sequences.forEach((s, i) => {
    if (s.length !== n) throw new UserError(`${file}: sequence ${i} has length ${s.length}, sequence 0 has ${n} (all sequences must have the same length)`);
  });
  if (!Array.isArray(o.labels) || o.labels.length !== sequences.length) throw new UserError(`${file}: "labels" must have one entry per sequence (${sequences.length})`);
  const labels = o.labels.map((y, i) => {
    if (seq2seq) {
      if (!Array.isArray(y) || y.length !== n) throw new UserError(`${file}: labels[${i}] must be an array of ${n} integers (one per position) for seq2seq`);
      return y.map((v, k) => intLabel(v, `${file}: labels[${i}][${k}]`));
    }
    if (Array.isArray(y)) throw new UserError(`${file}: labels[${i}] must be one integer for next-token (per-position labels are for ks-seq2seq)`);
    return intLabel(y, `${file}: labels[${i}]`);
  }) as bigint[] | bigint[][];
  const ds: SequenceDataset = { tokens, sequences, labels };
  if (check) checkDataset(ds, file);
  return ds;
}

/** Separation (no duplicate tokens) and consistency (eq. 5) checks shared by files and the generator. */
export function checkDataset(ds: SequenceDataset, where: string): void {
  const sep = separation(ds.tokens);
  if (sep.duplicates.length > 0) {
    const [i, j] = sep.duplicates[0]!;
    throw new UserError(`${where}: tokens ${i} and ${j} are the same vector (not (r,δ)-separated with δ > 0); merge them`);
  }
  const bad = findInconsistency(ds);
  if (bad) throw new UserError(`${where}: ${bad.message}; no permutation-equivariant network can memorize both`);
}

export function readSequenceDataFile(path: string, seq2seq: boolean): SequenceDataset {
  return parseSequenceData(readJsonFile(path), path, seq2seq);
}
