/**
 * Progress of one long command on stderr: a bar on a terminal, otherwise a plain
 * `memcap: <what>: <done>/<total> <label>` line at most every `every` seconds (and for the first and
 * last step), so that a log or CI shows what the command is doing. stdout stays free for results.
 *
 * @example
 *   const p = stepProgress("claims --run", CLAIMS.length); p.tick("ks.lemma-B.1 held"); p.stop();
 */
import cliProgress from "cli-progress";

export interface StepProgress {
  tick(label?: string, done?: number): void;
  stop(): void;
}

export function stepProgress(what: string, total: number, o: { stream?: NodeJS.WriteStream; every?: number; unit?: string } = {}): StepProgress {
  const stream = o.stream ?? process.stderr;
  const unit = o.unit ?? "";
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar({ stream, format: `${what} [{bar}] {value}/{total}${unit ? ` ${unit}` : ""} {label}`, hideCursor: false }, cliProgress.Presets.shades_classic);
    bar.start(Math.max(1, total), 0, { label: "" });
    let n = 0;
    return {
      tick(label = "", done) {
        n = done ?? n + 1;
        bar.update(n, { label });
      },
      stop: () => bar.stop(),
    };
  }
  const every = (o.every ?? 3) * 1000;
  const t0 = Date.now();
  let last = -Infinity;
  let n = 0;
  return {
    tick(label = "", done) {
      n = done ?? n + 1;
      const now = Date.now();
      if (n === 1 || n >= total || now - last >= every) {
        last = now;
        stream.write(`memcap: ${what}: ${n}/${total}${unit ? ` ${unit}` : ""}${label ? ` ${label}` : ""} (${((now - t0) / 1000).toFixed(1)} s)\n`);
      }
    },
    stop() {},
  };
}
