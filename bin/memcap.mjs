#!/usr/bin/env node
// Launches the TypeScript CLI through tsx's loader, so that the package runs from source with no build step.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../app/cli/main.ts");
await main(process.argv);
