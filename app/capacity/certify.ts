/**
 * A trained capacity as a certified lower bound: the restart that memorized n examples at the
 * record's capacity is retrained from its recorded seed (training is deterministic), its float
 * weights become an exact IR network (src/interop), the examples it memorizes are certified (exact
 * for hardmax/uniform, intervals for softmax) and the certificate is re-checked by proofs-check.
 * When all n are certified and the checker says VERIFIED, "n examples can be memorized by this
 * architecture" is no longer a float measurement: the certificate is its proof.
 *
 * @example const c = await certifyCapacity(job, rec); c.lowerBound // n or null
 */
import { writeFileAtomic } from "../../src/io/output.ts";
import { certifyTrained, trainedTask } from "../../src/interop/certify.ts";
import { trainedNetwork } from "../../src/interop/convert.ts";
import type { Certificate } from "../../src/certificate/format.ts";
import { recheckCertificate } from "../report/recheck.ts";
import { describePoint } from "./grid.ts";
import { examplePool, trainRestart, type CapacityJob, type TrainedModel } from "./probe.ts";
import type { CapacityRecord } from "./search-job.ts";

export interface CapacityCertification {
  /** examples at the record's capacity */
  n: number;
  /** of those, certified memorized */
  certified: number;
  undecided: number;
  /** not memorized according to the exact/interval evaluation (float rounding flipped them) */
  refuted: number[];
  verdict: string;
  detail: string;
  /** n when all n are certified and VERIFIED, else null */
  lowerBound: number | null;
  arithmetic: string;
  certificate: Certificate;
  /** where the certificate was written, if it was */
  file: string | null;
  model: TrainedModel;
  restart: number;
  seconds: number;
}

/**
 * Retrains the successful restart at the record's capacity and certifies it; null when the record has
 * no successful probe at its capacity (capacity 0, or a planted record).
 */
export async function certifyCapacity(job: CapacityJob, rec: CapacityRecord, file?: string): Promise<CapacityCertification | null> {
  const probe = rec.probes.find((p) => p.n === rec.capacity && p.ok);
  if (!probe || rec.capacity === 0) return null;
  const t0 = performance.now();
  const restart = probe.restarts.length - 1;
  const m = await trainRestart(job, examplePool(job), rec.capacity, restart);
  const net = trainedNetwork(m.setup.config, m.setup.program.graph, m.params);
  const c = certifyTrained(net, trainedTask(m.setup.config, m.setup.data), {
    construction: {
      id: `trained-${job.config.model}`,
      paper: `memcap capacity ${describePoint(rec.point)} at n = ${rec.capacity}: a trained model, not a paper's construction`,
      options: { config: m.setup.config, restart, capacityKey: rec.key },
      seed: m.record.seed,
    },
  });
  if (file) writeFileAtomic(file, JSON.stringify(c.certificate));
  const rc = recheckCertificate(c.certificate, `capacity ${describePoint(rec.point)}`);
  const n = rec.capacity, k = c.memorized.length;
  return {
    n, certified: k, undecided: c.undecided.length, refuted: c.decisions.flatMap((d, i) => (d === "not" ? [i] : [])),
    verdict: rc.verdict.status, detail: rc.verdict.detail, lowerBound: k === n && rc.verdict.status === "VERIFIED" ? n : null,
    arithmetic: c.arithmetic, certificate: c.certificate, file: file ?? null, model: m, restart, seconds: (performance.now() - t0) / 1000,
  };
}
