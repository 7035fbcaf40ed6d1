// The fast path of `memcap --help` and `memcap --version`: plain JavaScript, run before the
// TypeScript loader starts, so that neither waits for tsx or any command module. The help text is
// commander's own, generated from every registered command by scripts/cli-help.ts into help.txt;
// test/app/cli/help.test.ts fails when the file no longer matches what commander prints.
import { readFileSync } from "node:fs";

const here = new URL(".", import.meta.url);

export function version() {
  return JSON.parse(readFileSync(new URL("../../package.json", here), "utf8")).version;
}

/** Handles the command line when it only asks for the top-level help or the version; false otherwise. */
export function answerFast(args) {
  if (args.length !== 1) return false;
  const [a] = args;
  if (a === "--version" || a === "-V") {
    process.stdout.write(`${version()}\n`);
    return true;
  }
  if (a === "--help" || a === "-h" || a === "help") {
    process.stdout.write(readFileSync(new URL("help.txt", here), "utf8"));
    return true;
  }
  return false;
}
