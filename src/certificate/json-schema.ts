/**
 * The certificate format as a JSON Schema (draft 2020-12), generated from the zod schema so that the
 * two cannot drift: scripts/certificate-schema.ts writes it to docs/certificate.schema.json and
 * test/certificate/schema.test.ts fails when the committed file is stale.
 *
 * The schema fixes the JSON shape only (keys, types, enums, the rational-string pattern, no unknown
 * keys). What it cannot say — matrix dimensions, index ranges, the bound grammar, exact integers
 * written as such, no duplicate keys — is specified in docs/certificate.md and checked by proofs-check.
 *
 * @example
 *   certificateJsonSchema().$schema // "https://json-schema.org/draft/2020-12/schema"
 */
import { z } from "zod";
import { CertificateSchema } from "./format.ts";

export function certificateJsonSchema(): Record<string, unknown> {
  const s = z.toJSONSchema(CertificateSchema, { io: "input", target: "draft-2020-12", unrepresentable: "throw" }) as Record<string, unknown>;
  const { $schema, ...rest } = s;
  return {
    $schema,
    $id: "https://github.com/memcap/memcap/docs/certificate.schema.json",
    title: "memcap certificate, format version 1",
    description: "Generated from src/certificate/format.ts by scripts/certificate-schema.ts; the meaning of every field and every constraint beyond the shape is in docs/certificate.md.",
    ...rest,
  };
}

/** The file's text: two-space JSON and a final newline. */
export function certificateJsonSchemaText(): string {
  return JSON.stringify(certificateJsonSchema(), null, 2) + "\n";
}
