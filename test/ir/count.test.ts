import { describe, expect, it } from "vitest";
import { NETWORK_FORMAT, NETWORK_VERSION, type Network } from "../../src/ir/network.ts";
import { countNetwork, parameterBits } from "../../src/ir/count.ts";

describe("countNetwork on hand-built networks", () => {
  it("counts parameters, non-zeros, width, depth and bits as docs/network-ir.md defines them", () => {
    const net: Network = {
      format: NETWORK_FORMAT,
      version: NETWORK_VERSION,
      input: { kind: "vectors", dim: 2 },
      layers: [
        // 9 parameters
        { type: "affine", W: [["3/4", "0"], ["1", "-2"], ["0", "0"]], b: ["1/2", "0", "0"] },
        { type: "relu" },
        // 10 parameters, hidden width 1
        { type: "ffn", W1: [["1", "1", "0"]], b1: ["-1"], W2: [["2"], ["0"], ["0"]], b2: ["0", "0", "0"] },
        // scale + WV (2×3) + WO (3×2) = 13 parameters; stacked head width max(0, 2) = 2
        {
          type: "attention",
          attention: "uniform",
          scale: "1/2",
          heads: [{ WQ: [], WK: [], WV: [["1", "0", "0"], ["0", "1", "0"]], WO: [["1", "0"], ["0", "1"], ["0", "0"]] }],
          residual: true,
          queries: "all",
          keys: "all",
        },
      ],
      output: { positions: "last", kind: "vector" },
    };
    // bits: affine 5+1+1+2+1+1+3+1+1 = 16; ffn 1+1+1+1+2+1+1+1+1+1 = 11; attention 3 + 6·1 + 6·1 = 15
    expect(countNetwork(net)).toEqual({
      parameters: 32,
      nonzeroParameters: 13,
      width: 3,
      depth: 2,
      layers: 4,
      bitComplexity: 5,
      totalBits: 42,
    });
  });

  it("bit complexity of single parameters: bits(p/q) = bitLength|p| + bitLength q, bits(0) = 1", () => {
    expect(parameterBits("3/4")).toBe(5);
    expect(parameterBits("0")).toBe(1);
    expect(parameterBits(0)).toBe(1);
    expect(parameterBits("-2")).toBe(2);
    expect(parameterBits("0.125")).toBe(5); // 1/8: 1 + 4
    expect(parameterBits("12345678901234567891/3")).toBe(66); // 64 + 2 (lowest terms)
    expect(parameterBits("12345678901234567890/3")).toBe(62); // = 4115226300411522630: 62 bits, q = 1
    expect(parameterBits("6/8")).toBe(5); // lowest terms first: 3/4
  });

  it("token networks: the embedding table counts, width is the largest token dimension", () => {
    const net: Network = {
      format: NETWORK_FORMAT,
      version: NETWORK_VERSION,
      input: { kind: "tokens", vocab: 2 },
      layers: [
        { type: "embedding", table: [["12345678901234567891/3", "0"], ["-0.125", "1"]] },
        { type: "affine", W: [["1", "1"], ["0", "0"], ["0", "1"], ["1", "0"]] },
      ],
      output: { positions: "all", kind: "vector" },
    };
    expect(countNetwork(net)).toEqual({
      parameters: 12,
      nonzeroParameters: 7,
      width: 4,
      depth: 0,
      layers: 2,
      bitComplexity: 66,
      totalBits: 66 + 1 + 5 + 1 + 8,
    });
  });
});
