/**
 * Writes the adversarial corpus (cases.ts) to a folder, one NAME.json per case, and an index with the
 * expected exit codes; used to run another checker (e.g. an older commit's) over the same bytes:
 *   npx tsx test/proofs-check/adversarial/write.ts /tmp/corpus
 *   for f in /tmp/corpus/*.json; do memcap check $f >/dev/null 2>&1; echo "$(basename $f) $?"; done
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CASES } from "./cases.ts";

const dir = process.argv[2] ?? "adversarial-corpus";
mkdirSync(dir, { recursive: true });
for (const c of CASES) writeFileSync(join(dir, `${c.name}.json`), c.bytes());
writeFileSync(join(dir, "expected.tsv"), CASES.map((c) => `${c.name}\t${c.exit}`).join("\n") + "\n");
console.log(`${CASES.length} certificates in ${dir}`);
