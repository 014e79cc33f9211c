using Homework.Experiments.Claims;
using Homework.Experiments.Golden;

namespace Homework.Tests.Unit.Golden;

internal static class Records
{
    public static GoldenRecord Sample(Action<SortedDictionary<string, MetricValue>>? edit = null, Verdict verdict = Verdict.Reproduced, int holds = 2)
    {
        var metrics = new SortedDictionary<string, MetricValue>(StringComparer.Ordinal)
        {
            ["deep/parameters"] = 571,
            ["seed-0/holds"] = true,
            ["seed-0/final-loss"] = 0.001,
            ["seed-0/converged-at"] = 1200,
            ["note"] = "text",
        };
        edit?.Invoke(metrics);
        return new GoldenRecord("1-1/test/claim", "The report says so.", "Measured so.", "quick", [1, 2], verdict, holds, 3, "key numbers", metrics);
    }

    public static readonly ToleranceRule[] Rules = [new("*/final-loss", Tolerance.Rel(0.10))];
}
