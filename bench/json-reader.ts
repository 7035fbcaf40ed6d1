/**
 * The checker's strict JSON reader (proofs-check/json.ts) against JSON.parse on the same
 * certificate-shaped document (sequences of token ids and rational-string weights), best of 3:
 *   npx tsx bench/json-reader.ts [sequences=1000000] [weightRows=300000]
 */
import { parseJson } from "../proofs-check/json.ts";

const [S = 1_000_000, W = 300_000] = process.argv.slice(2).map(Number);
const text = JSON.stringify({ dataset: { sequences: Array.from({ length: S }, (_, i) => [i % 7, 3, 4]) }, network: { W: Array.from({ length: W }, (_, i) => [`${i}/7`, "-3", "1/2"]) } });
const best = (f: () => unknown) => {
  let t = Infinity;
  for (let k = 0; k < 3; k++) {
    const a = performance.now();
    f();
    t = Math.min(t, performance.now() - a);
  }
  return t;
};
const native = best(() => JSON.parse(text));
const strict = best(() => parseJson(text));
console.log(`${(text.length / 1e6).toFixed(1)} MB: JSON.parse ${native.toFixed(0)} ms, parseJson ${strict.toFixed(0)} ms, ratio ${(strict / native).toFixed(2)}`);
