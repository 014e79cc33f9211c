using System.Globalization;
using System.Text.Json.Nodes;
using Homework.Experiments.Core;
using Homework.Experiments.Data;
using static TorchSharp.torch;

namespace Homework.Tests.Unit.Runs.Stacking;

/// <summary>
/// Compares two results of an experiment as the harness saves them (its JSON): bit for bit, or
/// number by number within a tolerance, with the same structure (every field, every array length,
/// every text and flag equal).
/// </summary>
internal static class ResultComparison
{
    /// <summary>The saved form of a result: what claims, figures and golden files read.</summary>
    public static string Saved<T>(T result) => Json.Serialize(result);

    /// <summary>
    /// Where <paramref name="actual"/> and <paramref name="expected"/> differ by more than
    /// |a − e| ≤ <paramref name="absolute"/> + <paramref name="relative"/>·|e| (numbers) or at all
    /// (anything else), as "path: actual vs expected" lines; empty when they agree.
    /// </summary>
    public static IReadOnlyList<string> Differences<T>(T actual, T expected, double relative, double absolute)
    {
        var differences = new List<string>();
        Walk(JsonNode.Parse(Saved(actual)), JsonNode.Parse(Saved(expected)), "$", relative, absolute, differences);
        return differences;
    }

    /// <summary>The largest |a − e| / max(|e|, floor) over every number of the two results (same structure assumed).</summary>
    public static double LargestRelativeDifference<T>(T actual, T expected, double floor = 1e-3)
    {
        var a = Numbers(JsonNode.Parse(Saved(actual))).ToList();
        var e = Numbers(JsonNode.Parse(Saved(expected))).ToList();
        return a.Zip(e).Select(p => Math.Abs(p.First - p.Second) / Math.Max(Math.Abs(p.Second), floor)).DefaultIfEmpty(0).Max();
    }

    private static IEnumerable<double> Numbers(JsonNode? node) => node switch
    {
        JsonObject o => o.SelectMany(p => Numbers(p.Value)),
        JsonArray a => a.SelectMany(Numbers),
        JsonValue v when v.TryGetValue(out double d) => [d],
        _ => [],
    };

    private static void Walk(JsonNode? a, JsonNode? e, string path, double relative, double absolute, List<string> differences)
    {
        switch (a, e)
        {
            case (JsonObject ao, JsonObject eo):
                foreach (string key in ao.Select(p => p.Key).Union(eo.Select(p => p.Key)))
                    Walk(ao[key], eo[key], $"{path}.{key}", relative, absolute, differences);
                break;
            case (JsonArray aa, JsonArray ea) when aa.Count == ea.Count:
                for (int i = 0; i < aa.Count; i++) Walk(aa[i], ea[i], $"{path}[{i}]", relative, absolute, differences);
                break;
            case (JsonValue av, JsonValue ev) when av.TryGetValue(out double x) && ev.TryGetValue(out double y):
                if (!(Math.Abs(x - y) <= absolute + relative * Math.Abs(y)) && !(double.IsNaN(x) && double.IsNaN(y)))
                    differences.Add($"{path}: {x.ToString("R", CultureInfo.InvariantCulture)} vs {y.ToString("R", CultureInfo.InvariantCulture)}");
                break;
            default:
                if (a?.ToJsonString() != e?.ToJsonString())
                    differences.Add($"{path}: {a?.ToJsonString() ?? "null"} vs {e?.ToJsonString() ?? "null"}");
                break;
        }
    }
}

/// <summary>Random images and labels of MNIST's shapes, standing in for MNIST in the experiments' tests.</summary>
internal static class SyntheticMnist
{
    /// <summary>
    /// <paramref name="train"/> training and <paramref name="test"/> test images (N,1,28,28) with labels
    /// that depend on the images (the sign of a fixed projection, spread over ten classes), so that
    /// the nets learn something in a few steps and their accuracies move.
    /// </summary>
    public static MnistData Create(int train = 240, int test = 60)
    {
        using var g = new Generator(2024);
        using var direction = randn([784, 10], generator: g);
        TensorSet Set(int count)
        {
            var x = randn([count, 1, 28, 28], generator: g);
            using var flat = x.reshape(count, 784);
            using var scores = flat.matmul(direction);
            return new TensorSet(x, scores.argmax(1));
        }
        var trainSet = Set(train);
        var testSet = Set(test);
        return MnistData.FromSets(trainSet, testSet);
    }
}
