/**
 * Writes docs/certificate.schema.json from the zod schema (src/certificate/json-schema.ts).
 * `npx tsx scripts/certificate-schema.ts --check` exits 1 when the committed file is stale.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { certificateJsonSchemaText } from "../src/certificate/json-schema.ts";

const file = new URL("../docs/certificate.schema.json", import.meta.url);
const text = certificateJsonSchemaText();
if (process.argv.includes("--check")) {
  let old = "";
  try {
    old = readFileSync(file, "utf8");
  } catch {
    // missing: stale
  }
  if (old !== text) {
    console.error("docs/certificate.schema.json is stale: run npx tsx scripts/certificate-schema.ts");
    process.exit(1);
  }
} else {
  writeFileSync(file, text);
  console.log(`wrote docs/certificate.schema.json (${text.length} bytes)`);
}
