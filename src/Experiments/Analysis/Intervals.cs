namespace Homework.Experiments.Analysis;

/// <summary>An estimate with its confidence interval and how the interval was computed.</summary>
/// <param name="Method">For tables, e.g. "95% t interval over 5 seeds".</param>
public sealed record Interval(double Estimate, double Low, double High, string Method)
{
    public bool Contains(double value) => value >= Low && value <= High;
}

/// <summary>
/// Confidence intervals for the small samples a claim rests on (a handful of seeds, a few dozen
/// fits): Student's t for a mean over seeds, Wilson's score interval for a share of independent
/// trials, and the distribution-free order-statistic interval for a median. All two-sided at
/// <see cref="Level"/>; no bootstrap, which with five seeds is too narrow to trust.
/// </summary>
public static class Intervals
{
    /// <summary>The confidence level of every interval of the project.</summary>
    public const double Level = 0.95;

    /// <summary>
    /// The mean of <paramref name="values"/> with Student's t interval (the values are independent
    /// seeds' effects). With one value, or none, the interval is unbounded: nothing can be said.
    /// </summary>
    public static Interval Mean(IReadOnlyList<double> values, string unit = "seeds")
    {
        int n = values.Count;
        if (n == 0) return new Interval(double.NaN, double.NegativeInfinity, double.PositiveInfinity, $"no {unit}");
        double mean = values.Average();
        if (n == 1) return new Interval(mean, double.NegativeInfinity, double.PositiveInfinity, $"one of the {unit}: no interval");
        double sd = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (n - 1));
        double half = StudentQuantile(1 - (1 - Level) / 2, n - 1) * sd / Math.Sqrt(n);
        return new Interval(mean, mean - half, mean + half, $"{Level * 100:0}% t interval over {n} {unit}");
    }

    /// <summary>The share <paramref name="successes"/>/<paramref name="trials"/> with Wilson's score interval.</summary>
    public static Interval Share(int successes, int trials, string unit = "trials")
    {
        if (trials <= 0) return new Interval(double.NaN, 0, 1, $"no {unit}");
        double z = NormalQuantile(1 - (1 - Level) / 2), p = (double)successes / trials, z2 = z * z;
        double centre = (p + z2 / (2 * trials)) / (1 + z2 / trials);
        double half = z / (1 + z2 / trials) * Math.Sqrt(p * (1 - p) / trials + z2 / (4.0 * trials * trials));
        return new Interval(p, Math.Max(0, centre - half), Math.Min(1, centre + half), $"{Level * 100:0}% Wilson interval over {trials} {unit}");
    }

    /// <summary>
    /// The median of <paramref name="values"/> with the distribution-free interval between two order
    /// statistics (the widest pair whose binomial coverage is at least <see cref="Level"/>; unbounded
    /// below 6 values, where no pair reaches it).
    /// </summary>
    public static Interval Median(IReadOnlyList<double> values, string unit = "values")
    {
        var sorted = values.Order().ToArray();
        int n = sorted.Length;
        double median = Statistics.Median(sorted);
        // Coverage of [x(k), x(n+1-k)] (1-based) is 1 − 2·P(Binomial(n, 1/2) < k).
        for (int k = n / 2; k >= 1; k--)
            if (1 - 2 * BinomialHalfCdf(n, k - 1) >= Level)
                return new Interval(median, sorted[k - 1], sorted[n - k], $"{Level * 100:0}% order-statistic interval over {n} {unit}");
        return new Interval(median, double.NegativeInfinity, double.PositiveInfinity, $"{n} {unit}: too few for a {Level * 100:0}% interval of the median");
    }

    /// <summary>
    /// The one-sided p-value of <paramref name="observed"/> against draws of the same statistic
    /// under a null (random positions, shuffled pairs): the share of draws at least as large,
    /// counting the observation itself, so it is never 0.
    /// </summary>
    public static double PValue(double observed, IReadOnlyList<double> nullDraws) =>
        (1.0 + nullDraws.Count(d => d >= observed)) / (1.0 + nullDraws.Count);

    /// <summary>
    /// Fisher's combination of independent one-sided p-values (one per seed): −2 Σ ln p is χ² with
    /// 2k degrees of freedom under the null; its upper tail, in closed form for an even number of them.
    /// </summary>
    public static double FisherCombined(IReadOnlyList<double> pValues)
    {
        if (pValues.Count == 0) return double.NaN;
        if (pValues.Any(p => p <= 0)) return 0;
        double half = -pValues.Sum(Math.Log); // χ²/2
        double term = 1, sum = 1;
        for (int i = 1; i < pValues.Count; i++)
        {
            term *= half / i;
            sum += term;
        }
        return Math.Min(1, Math.Exp(-half) * sum);
    }

    /// <summary>P(Binomial(n, 1/2) ≤ k).</summary>
    private static double BinomialHalfCdf(int n, int k)
    {
        double sum = 0, term = Math.Pow(0.5, n);
        for (int i = 0; i <= k; i++)
        {
            sum += term;
            term *= (double)(n - i) / (i + 1);
        }
        return sum;
    }

    /// <summary>The <paramref name="p"/>-quantile of Student's t with <paramref name="df"/> degrees of freedom (bisection on the CDF).</summary>
    public static double StudentQuantile(double p, int df)
    {
        double low = -1e4, high = 1e4;
        for (int i = 0; i < 200; i++)
        {
            double mid = (low + high) / 2;
            if (StudentCdf(mid, df) < p) low = mid; else high = mid;
        }
        return (low + high) / 2;
    }

    /// <summary>P(T ≤ t) for Student's t with <paramref name="df"/> degrees of freedom.</summary>
    public static double StudentCdf(double t, int df)
    {
        double x = df / (df + t * t);
        double tail = 0.5 * RegularizedBeta(x, df / 2.0, 0.5);
        return t >= 0 ? 1 - tail : tail;
    }

    /// <summary>The standard normal <paramref name="p"/>-quantile (Acklam's rational approximation, relative error below 1.2e-9).</summary>
    public static double NormalQuantile(double p)
    {
        double[] a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00];
        double[] b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01];
        double[] c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00];
        double[] d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00];
        const double low = 0.02425;
        if (p < low)
        {
            double q = Math.Sqrt(-2 * Math.Log(p));
            return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        }
        if (p > 1 - low) return -NormalQuantile(1 - p);
        double r = p - 0.5, s = r * r;
        return (((((a[0] * s + a[1]) * s + a[2]) * s + a[3]) * s + a[4]) * s + a[5]) * r / (((((b[0] * s + b[1]) * s + b[2]) * s + b[3]) * s + b[4]) * s + 1);
    }

    /// <summary>The regularised incomplete beta function I_x(a, b) (continued fraction, Numerical Recipes' betacf).</summary>
    private static double RegularizedBeta(double x, double a, double b)
    {
        if (x <= 0) return 0;
        if (x >= 1) return 1;
        double front = Math.Exp(LogGamma(a + b) - LogGamma(a) - LogGamma(b) + a * Math.Log(x) + b * Math.Log(1 - x));
        return x < (a + 1) / (a + b + 2)
            ? front * BetaFraction(x, a, b) / a
            : 1 - front * BetaFraction(1 - x, b, a) / b;
    }

    private static double BetaFraction(double x, double a, double b)
    {
        const double tiny = 1e-300;
        double c = 1, d = 1 - (a + b) * x / (a + 1);
        d = 1 / (Math.Abs(d) < tiny ? tiny : d);
        double h = d;
        for (int m = 1; m <= 300; m++)
        {
            int m2 = 2 * m;
            double aa = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
            d = 1 + aa * d; d = 1 / (Math.Abs(d) < tiny ? tiny : d);
            c = 1 + aa / c; if (Math.Abs(c) < tiny) c = tiny;
            h *= d * c;
            aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
            d = 1 + aa * d; d = 1 / (Math.Abs(d) < tiny ? tiny : d);
            c = 1 + aa / c; if (Math.Abs(c) < tiny) c = tiny;
            double delta = d * c;
            h *= delta;
            if (Math.Abs(delta - 1) < 1e-15) break;
        }
        return h;
    }

    /// <summary>ln Γ(x) (Lanczos approximation, g = 7, n = 9).</summary>
    private static double LogGamma(double x)
    {
        double[] g = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
        if (x < 0.5) return Math.Log(Math.PI / Math.Abs(Math.Sin(Math.PI * x))) - LogGamma(1 - x);
        x -= 1;
        double sum = g[0], t = x + 7.5;
        for (int i = 1; i < 9; i++) sum += g[i] / (x + i);
        return 0.5 * Math.Log(2 * Math.PI) + (x + 0.5) * Math.Log(t) - t + Math.Log(sum);
    }
}
