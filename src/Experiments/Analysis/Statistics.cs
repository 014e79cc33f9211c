namespace Homework.Experiments.Analysis;

public static class Statistics
{
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0) return double.NaN;
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    public static double Mean(IEnumerable<double> values) => values.DefaultIfEmpty(double.NaN).Average();

    /// <summary>The population variance: the mean squared error of predicting every value by their mean.</summary>
    public static double Variance(IReadOnlyList<double> values)
    {
        double mean = values.Average();
        return values.Sum(v => (v - mean) * (v - mean)) / values.Count;
    }

    /// <summary>Spearman's rank correlation (Pearson correlation of average ranks, so ties are handled).</summary>
    public static double Spearman(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        if (x.Count != y.Count) throw new ArgumentException("Both samples must have the same length.");
        return Pearson(Ranks(x), Ranks(y));
    }

    /// <summary>
    /// One-sided p-value of Spearman's ρ between <paramref name="x"/> and <paramref name="y"/> against
    /// unrelated pairs, for the alternative ρ &lt; 0 (<paramref name="negative"/>) or ρ &gt; 0: how often a
    /// random pairing of the values gives a correlation at least as far that way. Exact (every pairing)
    /// up to <see cref="ExactPairs"/> pairs, where the t approximation is poor (five batch sizes: the
    /// most extreme of 120 pairings has p = 1/120, not 0); above that the t approximation,
    /// t = ρ·√((n−2)/(1−ρ²)) with n − 2 degrees of freedom.
    /// </summary>
    public static double SpearmanP(IReadOnlyList<double> x, IReadOnlyList<double> y, bool negative)
    {
        int n = x.Count;
        double rho = Spearman(x, y);
        if (n < 3 || double.IsNaN(rho)) return double.NaN;
        if (n <= ExactPairs)
        {
            int atLeast = 0, total = 0;
            foreach (var order in Permutations(Enumerable.Range(0, n).ToArray()))
            {
                double r = Spearman(x, order.Select(i => y[i]).ToList());
                total++;
                if (negative ? r <= rho + 1e-12 : r >= rho - 1e-12) atLeast++;
            }
            return (double)atLeast / total;
        }
        if (Math.Abs(rho) >= 1) return (rho < 0) == negative ? 0 : 1;
        double t = rho * Math.Sqrt((n - 2) / (1 - rho * rho));
        double below = Intervals.StudentCdf(t, n - 2);
        return negative ? below : 1 - below;
    }

    /// <summary>Up to this many pairs <see cref="SpearmanP"/> enumerates every pairing (8! = 40,320).</summary>
    public const int ExactPairs = 8;

    private static IEnumerable<int[]> Permutations(int[] items)
    {
        if (items.Length <= 1) { yield return items; yield break; }
        for (int i = 0; i < items.Length; i++)
            foreach (var rest in Permutations(items.Where((_, j) => j != i).ToArray()))
                yield return [items[i], .. rest];
    }

    public static double Pearson(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        double mx = x.Average(), my = y.Average();
        double sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < x.Count; i++)
        {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxx == 0 || syy == 0 ? double.NaN : sxy / Math.Sqrt(sxx * syy);
    }

    /// <summary>1-based ranks, ties sharing their average rank.</summary>
    public static double[] Ranks(IReadOnlyList<double> values)
    {
        var order = Enumerable.Range(0, values.Count).OrderBy(i => values[i]).ToArray();
        var ranks = new double[values.Count];
        for (int start = 0; start < order.Length;)
        {
            int end = start;
            while (end + 1 < order.Length && values[order[end + 1]] == values[order[start]]) end++;
            double rank = (start + end) / 2.0 + 1;
            for (int k = start; k <= end; k++) ranks[order[k]] = rank;
            start = end + 1;
        }
        return ranks;
    }

    /// <summary>Slope of the least-squares line of <paramref name="y"/> on <paramref name="x"/>.</summary>
    public static double LeastSquaresSlope(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        double mx = x.Average(), my = y.Average();
        double sxy = 0, sxx = 0;
        for (int i = 0; i < x.Count; i++)
        {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
        }
        return sxx == 0 ? double.NaN : sxy / sxx;
    }
}
