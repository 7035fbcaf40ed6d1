/**
 * Claims from a user's module (`memcap claims --from FILE`, `memcap counterexample ID --from FILE`):
 * the module's default export, or its named export `claims`, is an array of `defineClaim` results
 * (docs/library.md). TypeScript modules load through tsx, which the memcap launcher registers.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { Claim } from "../../src/claims/claim.ts";
import { UserError } from "../../src/errors.ts";

export async function loadUserClaims(file: string): Promise<Claim[]> {
  const path = resolve(file);
  if (!existsSync(path)) throw new UserError(`${file}: no such file`);
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (e) {
    throw new UserError(`${file}: cannot load the module (${((e as Error).message ?? String(e)).split("\n")[0]})`);
  }
  const list = Array.isArray(mod.default) ? mod.default : Array.isArray(mod.claims) ? mod.claims : undefined;
  if (!list) throw new UserError(`${file}: expected a default export or a named export \`claims\` that is an array of defineClaim(...) results`);
  const ids = new Set<string>();
  list.forEach((c: unknown, i) => {
    const x = c as Partial<Claim> | null;
    const what = `${file}: claim ${i}`;
    if (!x || typeof x !== "object") throw new UserError(`${what} is not an object`);
    if (typeof x.id !== "string" || x.id === "") throw new UserError(`${what} has no string id`);
    if (ids.has(x.id)) throw new UserError(`${file}: duplicate claim id "${x.id}"`);
    ids.add(x.id);
    if (typeof x.statement !== "string") throw new UserError(`${what} (${x.id}) has no statement`);
    if (typeof x.check !== "function") throw new UserError(`${what} (${x.id}) has no check function`);
    if (!x.arbitrary || typeof (x.arbitrary as { generate?: unknown }).generate !== "function") throw new UserError(`${what} (${x.id}): arbitrary is not a fast-check Arbitrary`);
    if (x.expected !== undefined && !["holds", "fails", "open"].includes(x.expected)) throw new UserError(`${what} (${x.id}): expected must be "holds", "fails" or "open"`);
  });
  return list as Claim[];
}
