/**
 * The standard normal distribution: density and cumulative distribution function, to double precision.
 *
 * The CDF is W. J. Cody's rational Chebyshev approximation ("Rational Chebyshev approximations for the error
 * function", Math. Comp. 1969; the algorithm behind R's `pnorm`): three rational functions on |x| ≤ 0.66291,
 * |x| ≤ √32 and beyond, each with relative error near machine precision, tails included (Φ(-10) to ~1e-15 relative).
 * Abramowitz-Stegun 7.1.26, at ~1e-7 absolute, is not good enough for deep out-of-the-money options and
 * finite-difference Greeks. One `exp` per call, no allocation. Coefficients are Cody's, rounded to the nearest double.
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
    let num = 0.06568233791820745 * xsq;
    let den = xsq;
    num = (num + 2.2352520354606837) * xsq;
    den = (den + 47.202581904688245) * xsq;
    num = (num + 161.02823106855587) * xsq;
    den = (den + 976.0985517377767) * xsq;
    num = (num + 1067.6894854603709) * xsq;
    den = (den + 10260.932208618979) * xsq;
    return 0.5 + (x * (num + 18154.98125334356)) / (den + 45507.78933502673);
  }
  let tail: number; // Φ(-|x|)
  if (y <= SQRT_32) {
    let num = 1.0765576773720192e-8 * y;
    let den = y;
    num = (num + 0.39894151208813466) * y;
    den = (den + 22.266688044328117) * y;
    num = (num + 8.883149794388377) * y;
    den = (den + 235.387901782625) * y;
    num = (num + 93.50665613217785) * y;
    den = (den + 1519.3775994075547) * y;
    num = (num + 597.2702763948002) * y;
    den = (den + 6485.558298266761) * y;
    num = (num + 2494.5375852903726) * y;
    den = (den + 18615.571640885097) * y;
    num = (num + 6848.190450536283) * y;
    den = (den + 34900.95272114598) * y;
    num = (num + 11602.65143764735) * y;
    den = (den + 38912.00328609327) * y;
    tail = (Math.exp(-0.5 * y * y) * (num + 9842.714838383978)) / (den + 19685.429676859992);
  } else {
    if (y > 37.5) return x < 0 ? 0 : 1;
    const xsq = 1 / (x * x);
    let num = 0.023073441764940174 * xsq;
    let den = xsq;
    num = (num + 0.215898534057957) * xsq;
    den = (den + 1.284260096144911) * xsq;
    num = (num + 0.12740116116024736) * xsq;
    den = (den + 0.4682382124808651) * xsq;
    num = (num + 0.022235277870649807) * xsq;
    den = (den + 0.06598813786892856) * xsq;
    num = (num + 0.0014216191932278934) * xsq;
    den = (den + 0.0037823963320275824) * xsq;
    const r = (xsq * (num + 0.000029112874951168793)) / (den + 0.00007297515550839662);
    tail = (Math.exp(-0.5 * y * y) * (INV_SQRT_2PI - r)) / y;
  }
  return x < 0 ? tail : 1 - tail;
}
