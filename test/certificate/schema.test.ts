import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { certificateJsonSchema, certificateJsonSchemaText } from "../../src/certificate/json-schema.ts";

describe("docs/certificate.schema.json", () => {
  it("is the JSON Schema generated from the zod schema (run npx tsx scripts/certificate-schema.ts when this fails)", () => {
    expect(readFileSync(new URL("../../docs/certificate.schema.json", import.meta.url), "utf8")).toBe(certificateJsonSchemaText());
  });
  it("closes every object (unknown keys are not allowed) except the free-form options and meta", () => {
    const open: string[] = [];
    const walk = (s: unknown, path: string) => {
      if (Array.isArray(s)) return s.forEach((x, i) => walk(x, `${path}[${i}]`));
      if (!s || typeof s !== "object") return;
      const o = s as Record<string, unknown>;
      if (o.type === "object" && o.properties && o.additionalProperties !== false) open.push(path);
      for (const [k, v] of Object.entries(o)) walk(v, `${path}.${k}`);
    };
    walk(certificateJsonSchema(), "");
    expect(open).toEqual([]);
  });
});
