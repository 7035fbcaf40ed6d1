/**
 * memcap as a library: `import { … } from "memcap"` (docs/library.md). The package runs from its
 * TypeScript sources through tsx (no build step), so a consumer runs its scripts with tsx too.
 *
 * What is here, by area:
 *   numbers        Rational, q (exact rationals), IntervalArithmetic (outward-rounded decimal intervals)
 *   network IR     the Network/Layer/Head types and their zod schemas (NetworkSchema validates a JSON network)
 *   counts         countNetwork (parameters, width, depth, bit complexity … measured from a network)
 *   evaluation     evaluateExact (exact rationals), evaluateInterval (enclosures), evaluateFloat/32 (FLOAT)
 *   certificates   buildCertificate (assemble one), CertificateSchema, checkCertificate (the independent
 *                  checker, proofs-check: `.verdict` is "VERIFIED", "REJECTED" or "INCONCLUSIVE")
 *   claims         defineClaim, searchCounterexample, the registry (CLAIMS, getClaim), and fast-check as `fc`
 *                  (the same instance memcap uses, so users' arbitraries type-check against memcap's)
 *   constructions  certifyKs (Kajitsuka & Sato), certifyMha (Mahdavi et al., reconstructed), certifyAot
 *                  (Dana et al.), with their dataset generators
 *   export         networkToOnnx, networkTensors, encodeSafetensors/decodeSafetensors, encodeNpz, exportCertificate
 * The checker alone (without the constructions' dependencies) is the subpath "memcap/check".
 */
export { Rational, q } from "../src/numbers/rational.ts";
export { IntervalArithmetic, type Interval } from "../src/numbers/interval.ts";

export { NetworkSchema, LayerSchema, HeadSchema, NETWORK_FORMAT, NETWORK_VERSION, type Network, type Layer, type LayerType, type Head, type Q, type Vector, type Matrix } from "../src/ir/network.ts";
export { countNetwork, type NetworkCounts } from "../src/ir/count.ts";

export { evaluateExact, compileExact, type ExactEvaluator, type ExactOptions } from "../src/eval/exact.ts";
export { evaluateInterval, type IntervalOptions } from "../src/eval/interval.ts";
export { evaluateFloat, evaluateFloat32 } from "../src/eval/float.ts";

export {
  CertificateSchema,
  CERTIFICATE_FORMAT,
  CERTIFICATE_VERSION,
  QUANTITIES,
  type Certificate,
  type Claim as CertificateClaim,
  type Criterion,
  type Dataset,
  type Quantity,
} from "../src/certificate/format.ts";
export { buildCertificate, type CertificateInput } from "../src/certificate/build.ts";
export { checkCertificate, type Report as CheckReport, type ClaimResult as CheckedClaim, type CheckOptions } from "../proofs-check/check.ts";
/** The checker on a certificate's bytes, a large exact one on several worker threads (`threads`). */
export { checkBytesInParallel, sharedBytes } from "../proofs-check/parallel.ts";

export { defineClaim, searchCounterexample, claimInputToJson, type Claim, type ClaimOutcome, type SearchResult, type Paper } from "../src/claims/claim.ts";
export { CLAIMS, getClaim } from "../constructions/claims.ts";
export { default as fc } from "fast-check";

export { generateSequenceDataset, type SequenceDataset, type GeneratorOptions } from "../src/data/sequences.ts";
export { generateMhaDataset, type MhaDataset, type MhaGenOptions } from "../src/data/mha.ts";
export { randomLookupTable, type LookupTable } from "../src/data/associations.ts";
export { certifyKs, runKs, runKsParallel, ksCertificate, type KsRun } from "./ks.ts";
export { writeJsonAtomic } from "../src/io/output.ts";
export { certifyMha, mhaCertificate } from "../constructions/mahdavi/certify.ts";
export { certifyAot, type CertifiedAot } from "../constructions/dana/certify.ts";

export { encodeSafetensors, decodeSafetensors, type StTensor } from "../src/io/safetensors.ts";
export { encodeNpy, decodeNpy, encodeNpz, decodeNpz } from "../src/io/npy.ts";
export { networkToOnnx, ONNX_OPSET } from "../app/export/onnx.ts";
export { networkTensors, networkStructure, type FloatKind } from "../app/export/tensors.ts";
export { exportCertificate, type ExportFormat, type ExportResult } from "../app/export/run.ts";
