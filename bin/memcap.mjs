#!/usr/bin/env node
// Launches the TypeScript CLI through tsx's loader, so that the package runs from source with no build
// step; `--help` and `--version` are answered before the loader starts (app/cli/help.mjs).
import { answerFast } from "../app/cli/help.mjs";

if (!answerFast(process.argv.slice(2))) {
  const { register } = await import("tsx/esm/api");
  register();
  const { main } = await import("../app/cli/main.ts");
  await main(process.argv);
}
