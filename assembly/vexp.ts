// e^x on four f32 lanes at once, for the activations that need it on every value of a batch.

// @ts-ignore: decorator
@inline const LOG2E: f32 = 1.44269504;
/** ln 2 split in two (Cody–Waite): n·LN2_HI is exact for |n| ≤ 128, so r = x − n·ln 2 keeps its low bits. */
// @ts-ignore: decorator
@inline const LN2_HI: f32 = 0.693359375;
// @ts-ignore: decorator
@inline const LN2_LO: f32 = -2.12194440e-4;
/** 1.5·2²³: added to a float below 2²² in magnitude, it leaves the float's integer part, rounded to even, in the low bits. */
// @ts-ignore: decorator
@inline const ROUNDING: f32 = 12582912;

/**
 * The vector constants of expF32x4 and sigmoidF32x4, four lanes each, in the module's static data:
 * V8 does not hoist a v128 constant out of a loop, and builds each one in three instructions on
 * every iteration (a 64-bit move, a move to a vector register, an unpack), where a load from here
 * is one. The sigmoid has fourteen of them.
 */
const K = memory.data<f32>([
  88, 88, 88, 88,
  -87, -87, -87, -87,
  LOG2E, LOG2E, LOG2E, LOG2E,
  ROUNDING, ROUNDING, ROUNDING, ROUNDING,
  LN2_HI, LN2_HI, LN2_HI, LN2_HI,
  LN2_LO, LN2_LO, LN2_LO, LN2_LO,
  <f32>(1.0 / 5040), <f32>(1.0 / 5040), <f32>(1.0 / 5040), <f32>(1.0 / 5040),
  <f32>(1.0 / 720), <f32>(1.0 / 720), <f32>(1.0 / 720), <f32>(1.0 / 720),
  <f32>(1.0 / 120), <f32>(1.0 / 120), <f32>(1.0 / 120), <f32>(1.0 / 120),
  <f32>(1.0 / 24), <f32>(1.0 / 24), <f32>(1.0 / 24), <f32>(1.0 / 24),
  <f32>(1.0 / 6), <f32>(1.0 / 6), <f32>(1.0 / 6), <f32>(1.0 / 6),
  0.5, 0.5, 0.5, 0.5,
  1, 1, 1, 1,
], 16);
/** Byte offsets in K. */
const MAX_X = 0;
const MIN_X = 16;
const K_LOG2E = 32;
const K_ROUNDING = 48;
const K_LN2_HI = 64;
const K_LN2_LO = 80;
const C7 = 96;
const C6 = 112;
const C5 = 128;
const C4 = 144;
const C3 = 160;
const C2 = 176;
const ONE = 192;
/** 127 in each i32 lane: the exponent bias. */
const BIAS = memory.data<i32>([127, 127, 127, 127], 16);

/**
 * e^x lane by lane: x = n·ln 2 + r with |r| ≤ ln 2 / 2, e^r by its Taylor polynomial of degree 7
 * (the first term left out is below 5e-9 relative; degree 6 would leave 1.2e-7, two units of
 * 2^−24, which the sigmoid test sees), and 2^n built in the
 * exponent bits. x is clamped to [−87, 88] so that 2^n stays a normal float: below −87 the result
 * is about 1.6e-38 instead of smaller (an absolute error under 2e-38), above 88 it is e^88. NaN
 * stays NaN (pmin and pmax return their first operand when a comparison fails).
 *
 * n = x·log₂e rounded to the nearest integer (ties to even) by adding 1.5·2²³ (ROUNDING): the
 * float's low bits are then n itself, so 2^n is those bits plus the bias shifted into the exponent
 * (the shift drops ROUNDING's own bits), without a conversion to integers, which wasm saturates
 * at a dozen instructions a vector.
 */
// @ts-ignore: decorator
@inline export function expF32x4(x: v128): v128 {
  x = f32x4.pmax(f32x4.pmin(x, v128.load(K, MAX_X)), v128.load(K, MIN_X));
  const t = f32x4.add(f32x4.mul(x, v128.load(K, K_LOG2E)), v128.load(K, K_ROUNDING));
  const n = f32x4.sub(t, v128.load(K, K_ROUNDING));
  const r = f32x4.sub(f32x4.sub(x, f32x4.mul(n, v128.load(K, K_LN2_HI))), f32x4.mul(n, v128.load(K, K_LN2_LO)));
  let p = v128.load(K, C7);
  p = f32x4.add(f32x4.mul(p, r), v128.load(K, C6));
  p = f32x4.add(f32x4.mul(p, r), v128.load(K, C5));
  p = f32x4.add(f32x4.mul(p, r), v128.load(K, C4));
  p = f32x4.add(f32x4.mul(p, r), v128.load(K, C3));
  p = f32x4.add(f32x4.mul(p, r), v128.load(K, C2));
  p = f32x4.add(f32x4.mul(p, r), v128.load(K, ONE));
  p = f32x4.add(f32x4.mul(p, r), v128.load(K, ONE));
  const twoToN = i32x4.shl(i32x4.add(t, v128.load(BIAS)), 23);
  return f32x4.mul(p, twoToN);
}

/** σ(z) = 1 / (1 + e^−z) lane by lane without overflow: e = e^−|z| ≤ 1, then 1/(1 + e) or e/(1 + e) by the sign of z. */
// @ts-ignore: decorator
@inline export function sigmoidF32x4(z: v128): v128 {
  const e = expF32x4(f32x4.neg(f32x4.abs(z)));
  const one = v128.load(K, ONE);
  const s = f32x4.div(one, f32x4.add(one, e));
  return v128.bitselect(s, f32x4.mul(e, s), f32x4.ge(z, f32x4.splat(0)));
}
