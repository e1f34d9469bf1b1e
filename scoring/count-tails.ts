/**
 * Tail probabilities of counts and the normal quantile that turns them back into a z: the statistics
 * model judges a count by how rare it is under its own distribution, on the Gaussian scale the other
 * evidence uses. Pure functions, no allocation.
 */

/** Beyond any double's normal tail (Φ⁻¹(1e−300) ≈ −37): the quantile of 0 and 1, finite. */
const QUANTILE_BOUND = 40;

/** P(X ≥ k) for X ~ negative binomial with the given mean and dispersion r (variance mean + mean²/r). */
export function negativeBinomialUpperTail(k: number, mean: number, r: number): number {
  if (k <= 0) return 1;
  // Below the mean the upper tail is most of the mass: the complement of the lower one.
  if (k <= mean) return Math.max(1 - negativeBinomialLowerTail(k - 1, mean, r), Number.MIN_VALUE);
  const p = mean / (r + mean);
  // P(X = x) = Γ(x + r) / (Γ(r) x!) · (1 − p)^r · p^x; from k up each term is the last times
  // p·(x + r)/(x + 1), which falls below 1 past the mean: sum until they no longer matter.
  let term = Math.exp(
    logGamma(k + r) - logGamma(r) - logGamma(k + 1) + r * Math.log(1 - p) + k * Math.log(p),
  );
  let sum = 0;
  for (let x = k; x < k + 100_000 && term > sum * 1e-12; x++) {
    sum += term;
    term *= (p * (x + r)) / (x + 1);
  }
  return Math.min(1, Math.max(sum, Number.MIN_VALUE));
}

/** P(X ≤ k) for X ~ negative binomial with the given mean and dispersion r, summed from k down. */
export function negativeBinomialLowerTail(k: number, mean: number, r: number): number {
  if (k < 0) return Number.MIN_VALUE;
  // A count whose mean is 0 is always 0 (and k·ln p would be 0·−∞, NaN).
  if (!(mean > 0)) return 1;
  const p = mean / (r + mean);
  // P(X = x − 1) = P(X = x) · x / ((x − 1 + r) · p).
  let term = Math.exp(
    logGamma(k + r) - logGamma(r) - logGamma(k + 1) + r * Math.log(1 - p) + k * Math.log(p),
  );
  let sum = 0;
  for (let x = k; x >= 0; x--) {
    sum += term;
    if (term < sum * 1e-12 && x < mean) break;
    term *= x / ((x - 1 + r) * p);
  }
  return Math.min(1, Math.max(sum, Number.MIN_VALUE));
}

/** ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9: about 15 significant digits). */
function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  const z = x - 1;
  let a = c[0] as number;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += (c[i] as number) / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

const QUANTILE_A = [
  -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
  2.506628277459239,
];
const QUANTILE_B = [
  -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572, 1,
];
const QUANTILE_C = [
  -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
  2.938163982698783,
];
const QUANTILE_D = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416, 1];

/** The polynomial with `coefficients` (highest power first) at x, by Horner's rule. */
function poly(x: number, coefficients: readonly number[]): number {
  let acc = 0;
  for (const k of coefficients) acc = acc * x + k;
  return acc;
}

/**
 * Φ⁻¹(p), the standard normal quantile (Acklam's rational approximation, relative error below 1.2e-9),
 * https://web.archive.org/web/20151030215612/http://home.online.no/~pjacklam/notes/invnorm/
 */
export function normalQuantile(p: number): number {
  if (p <= 0) return -QUANTILE_BOUND;
  if (p >= 1) return QUANTILE_BOUND;
  if (p < 0.02425) {
    const q = Math.sqrt(-2 * Math.log(p));
    return poly(q, QUANTILE_C) / poly(q, QUANTILE_D);
  }
  if (p > 1 - 0.02425) {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    return -poly(q, QUANTILE_C) / poly(q, QUANTILE_D);
  }
  const q = p - 0.5;
  const r = q * q;
  return (q * poly(r, QUANTILE_A)) / poly(r, QUANTILE_B);
}

/** P(X ≥ k) for X ~ Poisson(λ), summed in the log domain so large counts neither overflow nor reach 0. */
export function poissonUpperTail(k: number, lambda: number): number {
  if (k <= 0) return 1;
  // Below the mean the upper tail is most of the mass: the complement of the lower one, which is short.
  if (k <= lambda) return Math.max(1 - poissonLowerTail(k - 1, lambda), Number.MIN_VALUE);
  // Above it, the terms fall from the first: sum them until they no longer matter.
  let term = Math.exp(-lambda + k * Math.log(lambda) - logFactorial(k));
  let sum = 0;
  for (let i = k; i < k + 100_000 && term > sum * 1e-12; i++) {
    sum += term;
    term *= lambda / (i + 1);
  }
  return Math.max(sum, Number.MIN_VALUE);
}

/** P(X ≤ k) for X ~ Poisson(λ), summed from k down in the log domain. */
export function poissonLowerTail(k: number, lambda: number): number {
  if (k < 0) return Number.MIN_VALUE;
  if (!(lambda > 0)) return 1;
  let term = Math.exp(-lambda + k * Math.log(lambda) - logFactorial(k));
  let sum = 0;
  for (let x = k; x >= 0; x--) {
    sum += term;
    if (term < sum * 1e-12 && x < lambda) break;
    term *= x / lambda;
  }
  return Math.min(1, Math.max(sum, Number.MIN_VALUE));
}

/** ln n!, in constant time (sums of counts reach the thousands). */
function logFactorial(n: number): number {
  return n < 2 ? 0 : logGamma(n + 1);
}
