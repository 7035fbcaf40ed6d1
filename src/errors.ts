/**
 * Errors a user can fix (bad file, bad flag, out-of-range size). The CLI prints their message as
 * one line on stderr and exits with `exitCode` (2 unless said otherwise), never with a stack trace.
 */
export class UserError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = 2) {
    super(message);
    this.name = "UserError";
    this.exitCode = exitCode;
  }
}

/** Throws a UserError when `cond` is false. */
export function require_(cond: unknown, message: string): asserts cond {
  if (!cond) throw new UserError(message);
}
