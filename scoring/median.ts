/**
 * The median of the first `n` of `values` (the mean of the middle two when `n` is even), sorted by
 * insertion into `scratch`, which may be `values` itself (then sorted in place). No allocation: it runs
 * on the per-reading path.
 */
export function medianOf(values: Float64Array, n: number, scratch: Float64Array): number {
  for (let i = 0; i < n; i++) {
    const v = values[i] as number;
    let j = i - 1;
    while (j >= 0 && (scratch[j] as number) > v) {
      scratch[j + 1] = scratch[j] as number;
      j--;
    }
    scratch[j + 1] = v;
  }
  const mid = n >> 1;
  return n % 2 === 1
    ? (scratch[mid] as number)
    : ((scratch[mid - 1] as number) + (scratch[mid] as number)) / 2;
}
