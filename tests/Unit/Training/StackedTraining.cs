using Homework.Experiments.Data;
using Homework.Experiments.Training;
using Homework.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Homework.Tests.Unit.Training;

/// <summary>
/// Small problems, nets and helpers shared by the stacked-training tests: a single training with
/// <see cref="Trainer"/> and a stacked one with <see cref="StackedTrainer"/>, from the same seeds,
/// each returning its metrics and final parameters.
/// </summary>
internal static class StackedTraining
{
    /// <summary>A net kind: how to build the single net and the stack of it.</summary>
    public sealed record NetKind(string Name, Func<nn.Module<Tensor, Tensor>> Single, Func<int, StackedModule> Stack)
    {
        public override string ToString() => Name;
    }

    public static NetKind Mlp(int[] widths, Activation activation) =>
        new($"mlp {string.Join("-", widths)} {activation}", () => new Mlp(widths, activation), m => new StackedMlp(widths, m, activation));

    public static NetKind Cnn(CnnWidths widths) =>
        new($"cnn {widths}", () => new LeNet(widths), m => new StackedCnn(widths, m));

    /// <summary>The CNN stacked on the harness's own convolution kernels (<see cref="LeNetTrunk"/>), as the experiment trains it.</summary>
    public static NetKind CnnOnHarnessKernels(CnnWidths widths) =>
        new($"cnn {widths} harness kernels", () => new LeNet(widths), m => new StackedCnn(widths, m) { HarnessKernels = true });

    /// <summary>A 2-class problem of <paramref name="count"/> points in 2-D (as in TrainerTests).</summary>
    public static TensorSet Points(ulong seed, int count = 64)
    {
        using var g = new Generator(seed);
        var x = randn([count, 2], generator: g);
        using var product = x[.., 0] * x[.., 1];
        var y = (product > 0).to(int64);
        return new TensorSet(x, y);
    }

    /// <summary>A 1-D regression problem on a grid: y = sin(5πx)/(5πx), as the function fits train.</summary>
    public static TensorSet Curve(int count = 200)
    {
        double[] x = [.. Enumerable.Range(1, count).Select(i => i / (double)count)];
        double[] y = [.. x.Select(v => Math.Sin(5 * Math.PI * v) / (5 * Math.PI * v))];
        return new TensorSet(tensor(x, [count, 1], float32), tensor(y, [count, 1], float32));
    }

    /// <summary>Random MNIST-shaped images (N,1,28,28) with random labels: enough to exercise the CNN's arithmetic.</summary>
    public static TensorSet Images(ulong seed, int count)
    {
        using var g = new Generator(seed);
        return new TensorSet(randn([count, 1, 28, 28], generator: g), randint(0, 10, [count], generator: g));
    }

    public sealed record Outcome(IReadOnlyList<EpochMetrics> History, double[] Parameters, IReadOnlyList<double> StepLosses);

    /// <summary>The set with its inputs converted to <paramref name="dtype"/> (class labels stay int64).</summary>
    public static TensorSet As(TensorSet set, ScalarType dtype) => new(
        set.Inputs.to(dtype),
        set.Targets.is_floating_point() ? set.Targets.to(dtype) : set.Targets);

    /// <summary>One net trained alone, as the experiments train it today.</summary>
    public static Outcome Single(NetKind kind, ulong seed, TensorSet train, TensorSet? test, TrainingOptions options, ScalarType dtype = ScalarType.Float32,
        ITrainingMeter? meter = null)
    {
        using var g = new Generator(seed);
        using var net = kind.Single().InitializeWith(g);
        net.to(dtype); // as MinimalRatio does: initialised in float32, then converted
        var steps = new List<double>();
        var history = new Trainer(options) { AfterBackward = s => steps.Add(s.Loss.ToDouble()), Meter = meter }.Fit(net, train, test, g);
        return new Outcome(history, Flat(net), steps);
    }

    /// <summary>The same nets trained as one stack, member i from seeds[i] on trains[i].</summary>
    public static Outcome[] Stacked(
        NetKind kind, ulong[] seeds, IReadOnlyList<TensorSet> trains, TensorSet? test, TrainingOptions options,
        ScalarType dtype = ScalarType.Float32, ITrainingMeter? meter = null)
    {
        var generators = seeds.Select(s => new Generator(s)).ToArray();
        try
        {
            using var net = kind.Stack(seeds.Length).InitializeMembers(generators);
            net.to(dtype);
            var steps = seeds.Select(_ => new List<double>()).ToArray();
            var trainer = new StackedTrainer(options)
            {
                Meter = meter,
                AfterBackward = s =>
                {
                    for (int i = 0; i < seeds.Length; i++) steps[i].Add(s.MemberLosses[i].ToDouble());
                },
            };
            var histories = trainer.Fit(net, trains, test is null ? null : Enumerable.Repeat(test, seeds.Length).ToList(), generators);
            return [.. Enumerable.Range(0, seeds.Length).Select(i =>
            {
                using var member = net.ExtractMember(i);
                return new Outcome(histories[i], Flat(member), steps[i]);
            })];
        }
        finally
        {
            foreach (var g in generators) g.Dispose();
        }
    }

    /// <summary>All parameters as one vector of doubles (exact for float32 too).</summary>
    public static double[] Flat(nn.Module net)
    {
        using var v = net.ParametersToVector();
        using var d = v.to(ScalarType.Float64);
        return d.data<double>().ToArray();
    }

    /// <summary>‖a − b‖ / ‖b‖ (Euclidean norms) of two equally long vectors.</summary>
    public static double RelativeNormDifference(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        if (a.Count != b.Count) throw new ArgumentException($"Lengths differ: {a.Count} and {b.Count}.");
        double difference = 0, norm = 0;
        for (int i = 0; i < a.Count; i++)
        {
            difference += Math.Pow(a[i] - b[i], 2);
            norm += Math.Pow(b[i], 2);
        }
        return Math.Sqrt(difference / norm);
    }

    /// <summary>Largest |a − b| / max(|b|, floor) over two equally long sequences.</summary>
    public static double MaxRelativeDifference(IReadOnlyList<double> a, IReadOnlyList<double> b, double floor = 1e-3)
    {
        if (a.Count != b.Count) throw new ArgumentException($"Lengths differ: {a.Count} and {b.Count}.");
        double worst = 0;
        for (int i = 0; i < a.Count; i++)
            worst = Math.Max(worst, Math.Abs(a[i] - b[i]) / Math.Max(Math.Abs(b[i]), floor));
        return worst;
    }
}
