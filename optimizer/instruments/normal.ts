/**
 * The standard normal distribution: density and cumulative distribution function, to double precision.
 *
 * The CDF is W. J. Cody's rational Chebyshev approximation ("Rational Chebyshev approximations for the error
 * function", Math. Comp. 1969; the algorithm behind R's `pnorm`): three rational functions on |x| ≤ 0.66291,
 * |x| ≤ √32 and beyond, each with relative error near machine precision, tails included (Φ(-10) to ~1e-15 relative).
 * Abramowitz-Stegun 7.1.26, at ~1e-7 absolute, is not good enough for deep out-of-the-money options and
 * finite-difference Greeks. One `exp` per call, no allocation.
 */

const INV_SQRT_2PI = 0.3989422804014327; // 1/√(2π)
const SQRT_32 = 5.656854249492381;

/** Standard normal density φ(x) = exp(-x²/2)/√(2π). */
export function normPdf(x: number): number {
  return INV_SQRT_2PI * Math.exp(-0.5 * x * x);
}

/** Standard normal CDF Φ(x) (Cody 1969), relative error ~1e-15 in both tails; 0 below -37.5, 1 above 8.6. */
export function normCdf(x: number): number {
  const y = x < 0 ? -x : x;
  if (y <= 0.66291) {
    const xsq = x * x;
    let num = 0.065682337918207449113 * xsq;
    let den = xsq;
    num = (num + 2.2352520354606839287) * xsq;
    den = (den + 47.20258190468824187) * xsq;
    num = (num + 161.02823106855587881) * xsq;
    den = (den + 976.09855173777669322) * xsq;
    num = (num + 1067.6894854603709582) * xsq;
    den = (den + 10260.932208618978205) * xsq;
    return 0.5 + (x * (num + 18154.981253343561249)) / (den + 45507.789335026729956);
  }
  let tail: number; // Φ(-|x|)
  if (y <= SQRT_32) {
    let num = 1.0765576773720192317e-8 * y;
    let den = y;
    num = (num + 0.39894151208813466764) * y;
    den = (den + 22.266688044328115691) * y;
    num = (num + 8.8831497943883759412) * y;
    den = (den + 235.38790178262499861) * y;
    num = (num + 93.506656132177855979) * y;
    den = (den + 1519.377599407554805) * y;
    num = (num + 597.27027639480026226) * y;
    den = (den + 6485.558298266760755) * y;
    num = (num + 2494.5375852903726711) * y;
    den = (den + 18615.571640885098091) * y;
    num = (num + 6848.1904505362823326) * y;
    den = (den + 34900.952721145977266) * y;
    num = (num + 11602.651437647350124) * y;
    den = (den + 38912.003286093271411) * y;
    tail = (Math.exp(-0.5 * y * y) * (num + 9842.7148383839780218)) / (den + 19685.429676859990727);
  } else {
    if (y > 37.5) return x < 0 ? 0 : 1;
    const xsq = 1 / (x * x);
    let num = 0.02307344176494017303 * xsq;
    let den = xsq;
    num = (num + 0.21589853405795699) * xsq;
    den = (den + 1.28426009614491121) * xsq;
    num = (num + 0.1274011611602473639) * xsq;
    den = (den + 0.468238212480865118) * xsq;
    num = (num + 0.022235277870649807) * xsq;
    den = (den + 0.0659881378689285515) * xsq;
    num = (num + 0.001421619193227893466) * xsq;
    den = (den + 0.00378239633202758244) * xsq;
    const r = (xsq * (num + 2.9112874951168792e-5)) / (den + 7.29751555083966205e-5);
    tail = (Math.exp(-0.5 * y * y) * (INV_SQRT_2PI - r)) / y;
  }
  return x < 0 ? tail : 1 - tail;
}
