/**
 * One convention for every command: `--json` prints one JSON document (or JSON lines for
 * streaming commands) on stdout, otherwise a human-readable text. Text goes to stdout too;
 * progress goes to stderr so that stdout stays parseable.
 */
export function emit(json: boolean, data: unknown, text: () => string): void {
  if (json) process.stdout.write(JSON.stringify(data, jsonReplacer) + "\n");
  else process.stdout.write(text().replace(/\n?$/, "\n"));
}

/** bigint and Rational-like values serialize as strings. */
export function jsonReplacer(_key: string, v: unknown): unknown {
  return typeof v === "bigint" ? v.toString() : v;
}

/** Parses an integer flag within [min, max] or throws a one-line error naming the flag. */
export function intFlag(name: string, min: number, max: number) {
  return (v: string): number => {
    const n = Number(v);
    if (!/^-?\d+$/.test(v.trim()) || !Number.isSafeInteger(n)) throw new InvalidFlag(`--${name} must be an integer, got "${v}"`);
    if (n < min || n > max) throw new InvalidFlag(`--${name} must be between ${min} and ${max}, got ${n}`);
    return n;
  };
}

/** Parses a finite float flag within [min, max]. */
export function numberFlag(name: string, min: number, max: number) {
  return (v: string): number => {
    const n = Number(v);
    if (v.trim() === "" || !Number.isFinite(n)) throw new InvalidFlag(`--${name} must be a finite number, got "${v}"`);
    if (n < min || n > max) throw new InvalidFlag(`--${name} must be between ${min} and ${max}, got ${n}`);
    return n;
  };
}

import { InvalidArgumentError } from "commander";
class InvalidFlag extends InvalidArgumentError {}
