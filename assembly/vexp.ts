// e^x on four f32 lanes at once, for the activations that need it on every value of a batch.

// @ts-ignore: decorator
@inline const LOG2E: f32 = 1.44269504;
/** ln 2 split in two (Cody–Waite): n·LN2_HI is exact for |n| ≤ 128, so r = x − n·ln 2 keeps its low bits. */
// @ts-ignore: decorator
@inline const LN2_HI: f32 = 0.693359375;
// @ts-ignore: decorator
@inline const LN2_LO: f32 = -2.12194440e-4;

/**
 * e^x lane by lane: x = n·ln 2 + r with |r| ≤ ln 2 / 2, e^r by its Taylor polynomial of degree 7
 * (the first term left out is below 5e-9 relative; degree 6 would leave 1.2e-7, two units of
 * 2^−24, which the sigmoid test sees), and 2^n built in the
 * exponent bits. x is clamped to [−87, 88] so that 2^n stays a normal float: below −87 the result
 * is about 1.6e-38 instead of smaller (an absolute error under 2e-38), above 88 it is e^88. NaN
 * stays NaN.
 */
// @ts-ignore: decorator
@inline export function expF32x4(x: v128): v128 {
  x = f32x4.max(f32x4.min(x, f32x4.splat(88)), f32x4.splat(-87));
  const n = f32x4.nearest(f32x4.mul(x, f32x4.splat(LOG2E)));
  const r = f32x4.sub(f32x4.sub(x, f32x4.mul(n, f32x4.splat(LN2_HI))), f32x4.mul(n, f32x4.splat(LN2_LO)));
  let p = f32x4.splat(1.0 / 5040);
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0 / 720));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0 / 120));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0 / 24));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0 / 6));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(0.5));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1));
  const twoToN = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(n), i32x4.splat(127)), 23);
  return f32x4.mul(p, twoToN);
}

/** σ(z) = 1 / (1 + e^−z) lane by lane without overflow: e = e^−|z| ≤ 1, then 1/(1 + e) or e/(1 + e) by the sign of z. */
// @ts-ignore: decorator
@inline export function sigmoidF32x4(z: v128): v128 {
  const e = expF32x4(f32x4.neg(f32x4.abs(z)));
  const s = f32x4.div(f32x4.splat(1), f32x4.add(f32x4.splat(1), e));
  return v128.bitselect(s, f32x4.mul(e, s), f32x4.ge(z, f32x4.splat(0)));
}
