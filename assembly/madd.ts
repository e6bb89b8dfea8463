// The one operation every product here is made of: acc + a·b on vectors (and acc − a·b).

/**
 * acc + a·b lane by lane. The relaxed-SIMD build (ASC_FEATURE_RELAXED_SIMD) emits one fused
 * multiply-add, which may round once instead of twice; the plain SIMD build a multiply and an add.
 */
// @ts-ignore: decorator
@inline export function madd<T>(acc: v128, a: v128, b: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return v128.relaxed_madd<T>(a, b, acc);
  return v128.add<T>(acc, v128.mul<T>(a, b));
}

/** acc − a·b lane by lane, fused in the relaxed-SIMD build as madd is. */
// @ts-ignore: decorator
@inline export function nmadd<T>(acc: v128, a: v128, b: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return v128.relaxed_nmadd<T>(a, b, acc);
  return v128.sub<T>(acc, v128.mul<T>(a, b));
}
