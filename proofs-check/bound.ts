/**
 * Bound claims: a paper's formula evaluated on quantities the checker measures itself.
 *
 * Variables (the claim names each variable's source; the checker never reads a value for it):
 *   N  number of sequences in the dataset        n  longest sequence length
 *   d  input dimension: network.input.dim for vector input, the embedding width for token ids
 *   C  number of classes: the logit count for output kind "logits", else the number of distinct label values
 *   parameters … totalBits: recounted from the network (counts.ts)
 * The expression is parsed by mathjs and may use only + − × ÷ ^, unary minus, parentheses,
 * numbers, the claim's variables, the constants pi and e, and log (natural, or log(x, base)),
 * log2, log10, sqrt, exp, ceil, floor, abs, min, max. It is evaluated with mathjs BigNumber at
 * 80 significant digits and at 60: the 12-digit value (formatBoundValue) must be the same for both,
 * otherwise the claim is INCONCLUSIVE.
 *
 * @example
 *   formatBoundValue("1331.9128306085347323865") // "1331.91283061"
 */
import { Decimal } from "decimal.js";
import { createRequire } from "node:module";
import type { MathJsInstance, MathNode } from "mathjs";

/** mathjs instances are expensive to create (~0.1 s): one per precision. */
const instances = new Map<number, MathJsInstance>();
function mathAt(digits: number): MathJsInstance {
  let m = instances.get(digits);
  if (!m) {
    // loaded on first use: importing mathjs costs seconds, and most checks outside bounds never need it
    const { create, all } = createRequire(import.meta.url)("mathjs") as typeof import("mathjs");
    instances.set(digits, (m = digits === 0 ? create(all!) : create(all!, { number: "BigNumber", precision: digits })));
  }
  return m;
}

const FUNCTIONS = new Set(["log", "log2", "log10", "sqrt", "exp", "ceil", "floor", "abs", "min", "max"]);
const D12 = Decimal.clone({ precision: 12, rounding: Decimal.ROUND_HALF_UP, toExpNeg: -7, toExpPos: 21 });

/**
 * THE format of a bound claim's `value`: round to 12 significant digits, half away from zero,
 * drop trailing zeros; plain notation unless the decimal exponent is ≥ 21 or ≤ −7, then
 * "d.ddde+X" (decimal.js toString). Builders should write exactly this; the checker accepts any
 * decimal text that is numerically equal to it.
 * @example formatBoundValue("0.000000012345678901234") // "1.23456789012e-8"
 */
export function formatBoundValue(x: string | Decimal): string {
  return new D12(x.toString()).toSignificantDigits(12).toString();
}

const vetted = new Map<string, MathNode>();
const values = new Map<string, Decimal>();

/** Parses and vets the expression: throws an Error naming the first forbidden construct. */
export function vetExpression(expression: string, variables: string[]): MathNode {
  const key = JSON.stringify([expression, variables]);
  const hit = vetted.get(key);
  if (hit) return hit;
  const node = mathAt(0).parse(expression);
  node.traverse((n: MathNode, _path: string, parent: MathNode | null) => {
    const t = n.type;
    if (t === "ConstantNode") {
      const v = (n as unknown as { value: unknown }).value;
      if (typeof v !== "number") throw new Error(`constant ${JSON.stringify(v)} is not a number`);
    } else if (t === "SymbolNode") {
      const name = (n as unknown as { name: string }).name;
      const isFn = parent?.type === "FunctionNode" && (parent as unknown as { fn: MathNode }).fn === n;
      if (isFn ? !FUNCTIONS.has(name) : !variables.includes(name) && name !== "pi" && name !== "e") throw new Error(`unknown ${isFn ? "function" : "symbol"} "${name}"`);
    } else if (t === "OperatorNode") {
      if (!["add", "subtract", "multiply", "divide", "pow", "unaryMinus", "unaryPlus"].includes((n as unknown as { fn: string }).fn)) throw new Error(`operator ${(n as unknown as { op: string }).op} is not allowed`);
    } else if (t !== "ParenthesisNode" && t !== "FunctionNode") throw new Error(`${t} is not allowed`);
  });
  vetted.set(key, node);
  return node;
}

/** Evaluates the vetted expression at `digits` significant digits (memoized: it is pure). */
export function evaluateBound(expression: string, scope: Record<string, bigint | number>, digits: number): Decimal {
  const key = JSON.stringify([expression, digits, Object.entries(scope).map(([k, v]) => [k, v.toString()])]);
  let v = values.get(key);
  if (!v) values.set(key, (v = evaluateOnce(expression, scope, digits)));
  return v;
}

function evaluateOnce(expression: string, scope: Record<string, bigint | number>, digits: number): Decimal {
  const math = mathAt(digits);
  const s: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(scope)) s[k] = math.bignumber(v.toString());
  const r = math.evaluate(expression, s) as unknown;
  if (!math.isBigNumber(r) || !(r as Decimal).isFinite()) throw new Error(`the expression has no finite real value (${String(r)})`);
  return new Decimal((r as Decimal).toString());
}
