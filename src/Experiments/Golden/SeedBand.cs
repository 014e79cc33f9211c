using System.Globalization;

namespace Homework.Experiments.Golden;

/// <summary>
/// Where the median over seeds of a metric may fall when a run is compared with a golden file
/// made on another floating-point path (the portable regime): the span of the golden seeds'
/// values, widened on each side by <see cref="Widening"/> times the seeds' scatter, where the
/// scatter is the larger of the two runs' spans. The band is measured, not declared: a metric
/// that the seeds scatter widely gets a wide band, one that every seed reproduces closely a
/// narrow one.
/// </summary>
/// <remarks>
/// <para>
/// Why the seeds: another CPU's kernels change the last bits of a step, and thousands of steps
/// turn that into another trajectory, so on another machine a seed's value behaves like one
/// from a new seed. The seeds' own scatter shows how far that moves a metric. A real change of
/// behaviour (another learning rate, fewer epochs, a broken shuffle) moves every seed the same
/// way, and the median with them.
/// </para>
/// <para>
/// Why the larger of the two spans: three seeds can land close together by chance (seen: three
/// test accuracies within 0.15 points on one path, 1.3 points apart on another), and a band
/// built on such a span alone raised false alarms on 4 of 12 ordered pairs of this project's
/// floating-point paths; the scatter of both runs, as a two-sample test uses both samples,
/// raised none. A run that scatters more than its golden file gets a wider band, but its median
/// must still land by the golden seeds, and its seeds beyond their span are listed.
/// </para>
/// <para>
/// Why one span: if a foreign machine redrew every seed independently, the median of three new
/// seeds would fall outside this band in about 2% of comparisons for normal draws, under 1% for
/// heavy-tailed ones and 3% when a metric has two modes (a net stuck or not); with five seeds
/// about 0.04%, 0.003% and 0.1% (simulated). A shift of every seed by five times their standard
/// deviation is caught 90% of the time with three seeds. On this project's floating-point paths
/// (an AMD and an Intel machine, and six settings on the Intel one: 42 ordered pairs) no median
/// left its band; at three quarters of the widening one did, at half of it thirteen.
/// </para>
/// <para>
/// Scale: a metric whose values are all positive on both sides (losses, distances, ratios)
/// is compared in log space, where a loss twice as large and one half as large are equally
/// far; others (correlations, differences, error rates that can be 0) in linear space. When
/// neither run's seeds differ the band is the golden value ± <see cref="Floor"/> (relative in
/// linear space, log₁₀ units in log space): round-off, not noise.
/// </para>
/// </remarks>
public sealed record SeedBand(double Low, double High, bool LogScale)
{
    /// <summary>The golden seeds' span is widened by this many times the seeds' scatter on each side.</summary>
    public const double Widening = 1;

    /// <summary>Half-width of the band when the seeds of both runs agree exactly.</summary>
    public const double Floor = 1e-3;

    /// <summary>
    /// The band for the finite values <paramref name="golden"/> of the golden seeds given the run's
    /// seeds <paramref name="actual"/>, in log space when both are all positive; null when the golden
    /// side has no finite value.
    /// </summary>
    public static SeedBand? Of(IReadOnlyList<double> golden, IReadOnlyList<double> actual)
    {
        var finiteGolden = golden.Where(double.IsFinite).ToList();
        var finiteActual = actual.Where(double.IsFinite).ToList();
        if (finiteGolden.Count == 0) return null;
        bool log = finiteGolden.Concat(finiteActual).All(v => v > 0);
        double T(double v) => log ? Math.Log10(v) : v;
        double Span(List<double> values) => values.Count == 0 ? 0 : T(values.Max()) - T(values.Min());
        double low = T(finiteGolden.Min()), high = T(finiteGolden.Max());
        double scatter = Math.Max(Span(finiteGolden), Span(finiteActual));
        double floor = log ? Floor : Floor * Math.Max(Math.Abs(low), Math.Abs(high));
        double margin = Math.Max(Widening * scatter, floor);
        return log
            ? new SeedBand(Math.Pow(10, low - margin), Math.Pow(10, high + margin), true)
            : new SeedBand(low - margin, high + margin, false);
    }

    public bool Contains(double value) => value >= Low && value <= High;

    public override string ToString() =>
        $"{Format(Low)} to {Format(High)}{(LogScale ? " (log scale)" : "")}";

    /// <summary>Four significant digits, whatever the culture.</summary>
    public static string Format(double value) => value.ToString("G4", CultureInfo.InvariantCulture);
}
