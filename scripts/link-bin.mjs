#!/usr/bin/env node
// npm links the `bin` of dependencies into node_modules/.bin, never the root package's own: this
// `prepare` step (run by `npm ci` / `npm install` in a checkout, not when memcap is installed as a
// dependency) links node_modules/.bin/memcap to bin/memcap.mjs, which the docs and checks call.
import { existsSync, lstatSync, mkdirSync, symlinkSync, unlinkSync, chmodSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const target = join(root, "bin", "memcap.mjs");
const link = join(root, "node_modules", ".bin", "memcap");
if (existsSync(join(root, "node_modules"))) {
  mkdirSync(dirname(link), { recursive: true });
  try {
    if (lstatSync(link)) unlinkSync(link);
  } catch {
    // no link yet
  }
  symlinkSync(relative(dirname(link), target), link);
  chmodSync(target, 0o755);
}
