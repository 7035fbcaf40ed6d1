/**
 * One convention for every command: `--json` prints one JSON document on stdout — the envelope
 * {command, version, inputs, result, certificate?, verdicts, timings} with the command's own data as
 * `result` — (streaming commands print their progress records as JSON lines before it), otherwise a
 * human-readable text. Progress goes to stderr so that stdout stays parseable.
 */
export function emit(json: boolean, data: unknown, text: () => string): void {
  if (json) process.stdout.write(JSON.stringify(envelope(data), jsonReplacer) + "\n");
  else process.stdout.write(text().replace(/\n?$/, "\n"));
}

/** The command being run, as the CLI entry records it before the action starts (app/cli/main.ts). */
export interface Invocation {
  command: string;
  inputs: Record<string, unknown>;
}
let invocation: Invocation = { command: "", inputs: {} };
export function setInvocation(i: Invocation): void {
  invocation = i;
}

/** The JSON envelope every command prints with --json. */
export function envelope(result: unknown): Record<string, unknown> {
  const r = result as { verdicts?: unknown; certificate?: unknown; certificateFile?: unknown } | null;
  const certificate = typeof r?.certificate === "string" ? r.certificate : typeof r?.certificateFile === "string" ? r.certificateFile : typeof invocation.inputs.out === "string" && invocation.command.startsWith("construct") ? invocation.inputs.out : undefined;
  return {
    command: invocation.command,
    version: version(),
    inputs: invocation.inputs,
    result,
    ...(certificate !== undefined ? { certificate } : {}),
    verdicts: Array.isArray(r?.verdicts) ? r!.verdicts : [],
    timings: { seconds: Math.round(performance.now()) / 1000 },
  };
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
import { version } from "./help.mjs";
class InvalidFlag extends InvalidArgumentError {}
