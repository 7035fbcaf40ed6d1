/**
 * The report's HTML page in a real headless browser (Debian's chromium driven by playwright-core,
 * no browser download): it loads without console errors or failed requests, and every plot
 * renders as an SVG element with non-zero size.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { spawnSync } from "node:child_process";
import { z } from "zod";
import { chromium, type Browser } from "playwright-core";
import { resolveConfig } from "../../../app/report/config.ts";
import { runReport } from "../../../app/report/run.ts";
import { silentProgress } from "../../../app/report/progress.ts";
import { writeReport } from "../../../app/report/write.ts";
import { groupedBarChart, seriesChart } from "../../../app/plot/charts.ts";
import type { Section } from "../../../app/report/types.ts";

const CHROMIUM = "/usr/bin/chromium";

const synthetic: Section<{ n: number }> = {
  id: "synthetic",
  title: "Synthetic plots",
  description: "Two plots of each kind the report uses.",
  options: z.object({ n: z.number().int().default(6) }).strict(),
  quick: {},
  async run(o) {
    const pts = Array.from({ length: o.n }, (_, i) => ({ x: 10 * 2 ** i, y: 30 * Math.sqrt(10 * 2 ** i) }));
    return {
      summary: "ok",
      tables: [{ columns: ["x", "y"], rows: pts.map((p) => [p.x, p.y]) }],
      plots: [
        { id: "log", title: "log-log", caption: "log axes", spec: seriesChart({ title: "log-log", xTitle: "N", yTitle: "parameters", xLog: true, yLog: true, series: [{ name: "m", role: "measured", points: pts }] }) },
        { id: "lin", title: "linear", caption: "linear axes", spec: seriesChart({ title: "linear", xTitle: "H", yTitle: "T", series: [{ name: "bound", role: "bound", points: pts }] }) },
        { id: "bars", title: "bars", caption: "bars", spec: groupedBarChart({ title: "bars", xTitle: "model", yTitle: "T", bars: [{ category: "a", group: "certified", value: 3 }, { category: "a", group: "trained", value: 5 }] }) },
      ],
      verdicts: [{ subject: "s", status: "FLOAT", detail: "d" }],
      json: {},
    };
  },
};

let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: run scripts/setup-system.sh (installs Debian's chromium for this test)`);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
});

afterAll(async () => {
  await browser?.close();
});

/** Opens a report page and returns its console errors, failed requests and the size of every plot SVG. */
async function inspect(html: string) {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") errors.push(`${m.type()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
  page.on("requestfailed", (r) => errors.push(`requestfailed: ${r.url()}`));
  await page.setViewportSize({ width: 1400, height: 900 });
  await page.goto(pathToFileURL(html).href, { waitUntil: "load" });
  // readable at 1400 px: nothing wider than the window, no table wider than its box, no legend or label cut with "…"
  type El = { scrollWidth: number; clientWidth: number; tagName: string; textContent: string | null; getBoundingClientRect(): { right: number } };
  const layout = await page.evaluate(() => {
    const doc = (globalThis as unknown as { document: { documentElement: { scrollWidth: number }; querySelectorAll(s: string): Iterable<El> } }).document;
    return {
      pageWidth: doc.documentElement.scrollWidth,
      overflowing: [...doc.querySelectorAll("table, figure, pre, p")].filter((e) => e.scrollWidth > e.clientWidth + 1 || e.getBoundingClientRect().right > 1400 + 1).map((e) => `${e.tagName}: ${(e.textContent ?? "").slice(0, 60)}`),
      truncated: [...doc.querySelectorAll("svg text")].map((t) => t.textContent ?? "").filter((t) => t.includes("…")),
    };
  });
  const plots = await page.$$eval("figure .plot > svg", (els) =>
    els.map((e) => {
      const r = e.getBoundingClientRect();
      return { w: r.width, h: r.height, marks: e.querySelectorAll(".role-mark path, .role-mark").length };
    }),
  );
  const title = await page.title();
  const h1 = await page.textContent("h1");
  await page.close();
  return { errors, plots, title, h1, layout };
}

describe("report page in headless chromium", () => {
  it("loads without console errors and renders every plot with non-zero size", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "memcap-browser-")), "report");
    const data = await runReport(resolveConfig({}, [synthetic], { quick: false, where: "test" }), silentProgress);
    const w = await writeReport(data, out);
    const r = await inspect(w.html);
    expect(r.errors).toEqual([]);
    expect(r.title).toBe("memcap report");
    expect(r.h1).toBe("memcap report");
    expect(r.plots).toHaveLength(3);
    expect(r.layout.pageWidth).toBeLessThanOrEqual(1400);
    expect(r.layout.overflowing).toEqual([]);
    expect(r.layout.truncated).toEqual([]);
    for (const p of r.plots) {
      expect(p.w).toBeGreaterThan(100);
      expect(p.h).toBeGreaterThan(100);
      expect(p.marks).toBeGreaterThan(0);
    }
  });

  it("memcap report's own page (quick Dana et al. section, real certificates) renders in the browser", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "memcap-browser-cli-")), "report");
    const r = spawnSync(process.execPath, ["bin/memcap.mjs", "report", "--quick", "--sections", "aot", "--out", out], { encoding: "utf8", timeout: 110_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^dana\s+3\/3 certificates|dana\s+\d+\/\d+ associations certified over 3 networks; 3\/3 certificates VERIFIED/m);
    const page = await inspect(join(out, "index.html"));
    expect(page.errors).toEqual([]);
    expect(page.plots).toHaveLength(2); // certified T at T₀, and the capacity found beyond it
    for (const p of page.plots) {
      expect(p.w).toBeGreaterThan(100);
      expect(p.marks).toBeGreaterThan(0);
    }
    expect(page.layout.pageWidth).toBeLessThanOrEqual(1400);
    expect(page.layout.overflowing).toEqual([]);
    expect(page.layout.truncated).toEqual([]);
  });
});
