/**
 * Progress on stderr while the report runs: two cli-progress bars on a terminal (sections, and steps
 * of the current section); one plain line per step otherwise (logs and CI keep a readable trace).
 * stdout stays free for the summary or `--json`.
 */
import cliProgress from "cli-progress";
import type { Progress } from "./types.ts";

export interface ReportProgress {
  /** Starts section `index` (0-based) of `count`; returns the sink the section ticks. */
  section(index: number, count: number, id: string): Progress;
  stop(): void;
}

/** Swallows everything (tests, `--json` piped somewhere that does not want noise is still fine on stderr). */
export const silentProgress: ReportProgress = {
  section: () => ({ total() {}, tick() {} }),
  stop() {},
};

/**
 * Picks bars on a TTY, plain lines otherwise.
 * @example
 * const p = stderrProgress(); const s = p.section(0, 3, "ks"); s.total(2); s.tick("N=100"); p.stop();
 */
export function stderrProgress(stream: NodeJS.WriteStream = process.stderr): ReportProgress {
  return stream.isTTY ? barProgress(stream) : lineProgress(stream);
}

function lineProgress(stream: NodeJS.WriteStream): ReportProgress {
  const t0 = Date.now();
  return {
    section(index, count, id) {
      let total = 0;
      let done = 0;
      stream.write(`memcap report: [${index + 1}/${count}] ${id}\n`);
      return {
        total(n) {
          total = n;
          done = 0;
        },
        tick(label) {
          done++;
          const el = ((Date.now() - t0) / 1000).toFixed(1);
          stream.write(`memcap report:   ${id} ${total ? `${done}/${total}` : done} ${label} (${el} s)\n`);
        },
      };
    },
    stop() {},
  };
}

function barProgress(stream: NodeJS.WriteStream): ReportProgress {
  const multi = new cliProgress.MultiBar(
    {
      stream,
      format: " {name} [{bar}] {value}/{total} {label}",
      barsize: 24,
      hideCursor: true,
      clearOnComplete: false,
      autopadding: true,
      etaBuffer: 4,
    },
    cliProgress.Presets.shades_classic,
  );
  let overall: cliProgress.SingleBar | undefined;
  let current: cliProgress.SingleBar | undefined;
  return {
    section(index, count, id) {
      overall ??= multi.create(count, 0, { name: "report ", label: "" });
      overall.update(index, { label: id });
      if (current) multi.remove(current);
      current = multi.create(1, 0, { name: "section", label: id });
      const bar = current;
      return {
        total(n) {
          bar.setTotal(Math.max(1, n));
          bar.update(0);
        },
        tick(label) {
          bar.increment(1, { label: `${id}: ${label}` });
        },
      };
    },
    stop() {
      if (overall) overall.update(overall.getTotal(), { label: "done" });
      multi.stop();
    },
  };
}
