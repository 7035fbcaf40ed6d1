/**
 * The two renderings of the report document: a self-contained HTML page (plots inlined as SVG,
 * with links to the SVG/PNG files) and Markdown (plots as image links). Same blocks, same order.
 */
import type { Block } from "./document.ts";
import type { Table } from "./types.ts";

function cell(v: string | number | boolean | null): string {
  return v === null ? "—" : String(v);
}

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** Inline `code` spans in paragraphs: the only markup paragraphs use. */
function inlineHtml(s: string): string {
  return escapeHtml(s).replace(/`([^`]+)`/g, "<code>$1</code>");
}

function mdCell(v: string | number | boolean | null): string {
  return cell(v).replace(/\|/g, "\\|").replace(/\n/g, " ");
}

function mdTable(t: Table): string {
  const head = `| ${t.columns.map(mdCell).join(" | ")} |`;
  const sep = `|${t.columns.map(() => "---").join("|")}|`;
  return [head, sep, ...t.rows.map((r) => `| ${r.map(mdCell).join(" | ")} |`)].join("\n");
}

/**
 * Markdown rendering.
 * @example
 * toMarkdown([{ kind: "heading", level: 1, text: "memcap report" }]); // "# memcap report\n"
 */
export function toMarkdown(blocks: Block[]): string {
  const out: string[] = [];
  for (const b of blocks) {
    switch (b.kind) {
      case "heading":
        out.push(`${"#".repeat(b.level)} ${b.text}`);
        break;
      case "paragraph":
        out.push(b.text);
        break;
      case "table":
        out.push(mdTable(b.table));
        break;
      case "plot":
        out.push(`![${b.plot.title}](${b.file})\n\n${b.plot.caption} (PNG: [${b.png}](${b.png}))`);
        break;
      case "verdicts":
        out.push(b.verdicts.map((v) => `- **${v.status}** ${v.subject}: ${v.detail}`).join("\n"));
        break;
    }
  }
  return out.join("\n\n") + "\n";
}

function htmlTable(t: Table): string {
  const head = `<tr>${t.columns.map((c) => `<th>${escapeHtml(c)}</th>`).join("")}</tr>`;
  const rows = t.rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(cell(c))}</td>`).join("")}</tr>`).join("\n");
  return `<table>\n<thead>${head}</thead>\n<tbody>\n${rows}\n</tbody>\n</table>`;
}

const CSS = `
body{font-family:system-ui,-apple-system,"DejaVu Sans",sans-serif;max-width:1320px;margin:2em auto;padding:0 1em;color:#1a1a1a;line-height:1.45}
table{border-collapse:collapse;margin:.6em 0;font-size:.86em;max-width:100%}th,td{border:1px solid #ccc;padding:.2em .45em;text-align:left;vertical-align:top;overflow-wrap:break-word}
th{background:#f3f3f3}code{background:#f4f4f4;padding:0 .2em;font-size:.9em;word-break:break-all}
figure{margin:1em 0}figure .plot svg{max-width:100%;height:auto}figcaption{font-size:.9em;color:#444}
ul.verdicts{list-style:none;padding-left:0}ul.verdicts li{margin:.2em 0}
.status{font-weight:bold;font-family:monospace;padding:0 .3em;border-radius:3px}
.VERIFIED,.HOLDS,.HELD{background:#d8f5d8}.COUNTEREXAMPLE{background:#f3dcf5}.REJECTED,.FAILS,.ERROR{background:#f8d0d0}.INCONCLUSIVE{background:#fbefc4}.FLOAT{background:#dde8f8}
`;

/**
 * HTML rendering; `svgs` maps a plot's file (plots/x.svg) to its SVG text, inlined so the page needs no fetches.
 * @example
 * toHtml([{ kind: "paragraph", text: "a < b" }], new Map()).includes("a &lt; b"); // true
 */
export function toHtml(blocks: Block[], svgs: Map<string, string>): string {
  const body: string[] = [];
  for (const b of blocks) {
    switch (b.kind) {
      case "heading":
        body.push(`<h${b.level}${b.anchor ? ` id="${escapeHtml(b.anchor)}"` : ""}>${escapeHtml(b.text)}</h${b.level}>`);
        break;
      case "paragraph":
        body.push(`<p>${inlineHtml(b.text)}</p>`);
        break;
      case "table":
        body.push(htmlTable(b.table));
        break;
      case "plot": {
        const svg = (svgs.get(b.file) ?? "").replace(/^<\?xml[^>]*>\s*/, "");
        body.push(
          `<figure class="plot-figure"><div class="plot">${svg}</div>` +
            `<figcaption>${inlineHtml(b.plot.caption)} Files: <a href="${escapeHtml(b.file)}">SVG</a>, <a href="${escapeHtml(b.png)}">PNG</a>.</figcaption></figure>`,
        );
        break;
      }
      case "verdicts":
        body.push(
          `<ul class="verdicts">\n${b.verdicts
            .map((v) => `<li><span class="status ${v.status}">${v.status}</span> ${escapeHtml(v.subject)}: ${inlineHtml(v.detail)}</li>`)
            .join("\n")}\n</ul>`,
        );
        break;
    }
  }
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>memcap report</title>
<link rel="icon" href="data:,">
<style>${CSS}</style>
</head>
<body>
${body.join("\n")}
</body>
</html>
`;
}
