using Homework.Experiments.Core;
using Homework.Experiments.Data;
using Homework.Experiments.Training;
using Homework.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Homework.Experiments.Runs;

/// <summary>
/// Report 1-3 part 2, "Flatness vs generalization": identical nets trained on MNIST with Adam
/// (learning rate 0.001) and batch sizes from 5 to 1,000 for the same number of epochs; then
/// loss and accuracy on the training and test sets, and the sensitivity of each net to its
/// input measured three ways (figures 16 and 17).
/// </summary>
public sealed record SensitivityConfig : IExperimentConfig
{
    /// <summary>
    /// Two hidden layers, 784-20-30-10: 16,640 parameters (15,700 + 630 + 310). The report says
    /// 16,630; no net with two hidden layers and all biases has exactly that many, and this is the
    /// nearest natural one.
    /// </summary>
    public int[] Widths { get; init; } = [784, 20, 30, 10];

    public Activation Activation { get; init; } = Activation.Relu;

    /// <summary>The report's five batch sizes, "from five to one thousand".</summary>
    public int[] BatchSizes { get; init; } = [5, 20, 64, 256, 1000];

    /// <summary>Adam's learning rate for every net, the report's 0.001.</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>
    /// Passes over the training set, the same for every batch size (the report gives none): batch
    /// 5 then takes 200 times as many steps as batch 1,000.
    /// </summary>
    public int Epochs { get; init; } = 10;

    /// <summary>
    /// Null (the preset): every batch size trains <see cref="Epochs"/> epochs. Else every batch size
    /// trains the number of steps this batch size takes in <see cref="Epochs"/> epochs (equal steps
    /// instead of equal epochs; the robustness variant <c>equal-steps</c>). Not written when null.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public int? EqualStepsAs { get; init; }

    /// <summary>
    /// Null (the preset): every batch size trains with <see cref="LearningRate"/>. Else batch size B
    /// trains with <see cref="LearningRate"/> × B / this (the linear scaling rule; the robustness
    /// variant <c>scaled-learning-rate</c>). Not written when null.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public int? LearningRateScaledFrom { get; init; }

    /// <summary>
    /// Null (the preset): every batch size trains its epochs. Else every net stops after the first
    /// epoch at whose end its cross-entropy on its whole training set is at most this, or after
    /// <see cref="Epochs"/> (its budget) if it never gets there (the same fit instead of equal epochs;
    /// the robustness variant <c>same-training-loss</c>). Not written when null.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public double? TrainToLoss { get; init; }

    /// <summary>Training images: null for all 60,000, else a seeded random subset shared by every net of a seed.</summary>
    public int? TrainSamples { get; init; }

    /// <summary>Test images for the test loss and accuracy: null for all 10,000, else the first ones.</summary>
    public int? TestSamples { get; init; }

    /// <summary>
    /// The fixed evaluation set of the sensitivities: the first this many test images, the same
    /// for every net. The report's measure cuts it into batches of each net's own batch size
    /// (a last partial batch is dropped, so every batch has exactly that size).
    /// </summary>
    public int SensitivitySamples { get; init; } = 10_000;

    /// <summary>Each seed trains one net per batch size, all from that seed's one set of initial weights.</summary>
    public int[] Seeds { get; init; } = [0, 1, 2, 3, 4];

    /// <summary>All of MNIST, 10 epochs (120,000 steps at batch 5, 600 at batch 1,000), five seeds; sensitivities on the whole test set.</summary>
    public static SensitivityConfig Full { get; } = new();

    /// <summary>CI scale: 10,000 training images (seeded), the first 2,000 test images (also the sensitivity set), 8 epochs.</summary>
    public static SensitivityConfig Quick { get; } = new() { Epochs = 8, TrainSamples = 10_000, TestSamples = 2_000, SensitivitySamples = 2_000 };

    public static SensitivityConfig For(Profile profile) => profile == Profile.Full ? Full : Quick;

    /// <summary>The batch-size choices the report leaves unstated, each changed on its own (the robustness table).</summary>
    public static IReadOnlyList<Variant<SensitivityConfig>> Variants { get; } =
    [
        new("equal-steps", "Equal epochs or equal steps? Every batch size trains as many steps as batch 64 takes in the preset's epochs (batch 5 then sees fewer epochs, batch 1,000 many more).", c => c with { EqualStepsAs = 64 }),
        new("scaled-learning-rate", "One learning rate for every batch size? Adam's rate scaled with the batch size, 0.001 × B / 64 (the linear scaling rule).", c => c with { LearningRateScaledFrom = 64 }),
        new("same-training-loss", "Equal epochs or the same fit? Every net trains until its training cross-entropy (whole training set, after each epoch) is 0.15, about where batch 64 ends in the preset, or twenty times the preset's epochs.",
            c => c with { TrainToLoss = 0.15, Epochs = 20 * c.Epochs }),
        new("eight-batch-sizes", "Which batch sizes between 5 and 1,000? Eight instead of five: 5, 10, 20, 64, 128, 256, 512, 1,000.", c => c with { BatchSizes = [5, 10, 20, 64, 128, 256, 512, 1000] }),
    ];

    private int TrainCount => TrainSamples ?? ConfigRules.MnistTrainImages;

    private static long StepsPerEpoch(int train, int batch) => (train + batch - 1) / batch;

    /// <summary>The steps of batch size <paramref name="batch"/>: <see cref="Epochs"/> epochs, or the steps of <see cref="EqualStepsAs"/>'s epochs.</summary>
    public long StepsFor(int batch) => Epochs * StepsPerEpoch(TrainCount, EqualStepsAs ?? batch);

    /// <summary>The epochs batch size <paramref name="batch"/> trains, the last one cut at <see cref="StepsFor"/> steps.</summary>
    public int EpochsFor(int batch) => (int)((StepsFor(batch) + StepsPerEpoch(TrainCount, batch) - 1) / StepsPerEpoch(TrainCount, batch));

    /// <summary>Adam's learning rate for batch size <paramref name="batch"/>.</summary>
    public double LearningRateFor(int batch) => LearningRateScaledFrom is { } from ? LearningRate * batch / from : LearningRate;

    /// <summary>Minibatch steps of the 16,640-parameter net at every batch size, about 0.36 ms each (fitted to the measured 4.9 min at full, 21 s at quick). For balancing shards only.</summary>
    public double EstimatedSeconds()
    {
        return Seeds.Length * (double)BatchSizes.Sum(StepsFor) * 3.6e-4;
    }

    /// <summary>
    /// The rules this config keeps before anything trains (checked for presets and for every
    /// <c>--set</c>): the field, the bad value and what is allowed, one line each.
    /// </summary>
    public IReadOnlyList<ConfigProblem> Validate()
    {
        var rules = new ConfigRules()
            .Widths(nameof(Widths), Widths, input: 784, output: 10)
            .Defined(nameof(Activation), Activation)
            .Counts(nameof(BatchSizes), BatchSizes, 1, ConfigRules.MnistTestImages, "batch size")
            .LearningRate(nameof(LearningRate), LearningRate)
            .Count(nameof(Epochs), Epochs)
            .Count(nameof(EqualStepsAs), EqualStepsAs, 1, ConfigRules.MnistTrainImages, "equal epochs")
            .Count(nameof(LearningRateScaledFrom), LearningRateScaledFrom, 1, ConfigRules.MnistTrainImages, "one learning rate")
            .That(TrainToLoss is not { } target || (double.IsFinite(target) && target > 0), nameof(TrainToLoss), TrainToLoss, "null (equal epochs) or a finite training loss above 0")
            .Count(nameof(TrainSamples), TrainSamples, 1, ConfigRules.MnistTrainImages, "all 60,000")
            .Count(nameof(TestSamples), TestSamples, 1, ConfigRules.MnistTestImages, "all 10,000");
        if (LearningRateScaledFrom is not null && BatchSizes.Length > 0)
            rules.LearningRate($"{nameof(LearningRate)} × largest batch / {nameof(LearningRateScaledFrom)}", LearningRateFor(BatchSizes.Max()));
        // The report's measure takes whole batches of each net's own size from this set.
        int largest = BatchSizes.Length == 0 ? 1 : BatchSizes.Max();
        return rules
            .Count(nameof(SensitivitySamples), SensitivitySamples, Math.Max(1, largest), ConfigRules.MnistTestImages)
            .Seeds(nameof(Seeds), Seeds)
            .Problems;
    }
}

/// <summary>One net trained with one batch size from one seed.</summary>
/// <param name="Steps">Optimiser steps taken (with a target loss: up to the epoch that reached it).</param>
/// <param name="ReachedTarget">
/// Whether the net reached <see cref="SensitivityConfig.TrainToLoss"/> within its budget; null (and
/// not written) when the config sets none.
/// </param>
/// <param name="ReportSensitivity">
/// S1 the report's way: the Frobenius norm of ∂L/∂X, L the mean cross-entropy of a batch of the
/// net's own training batch size B and X that batch's (B,1,28,28) inputs, averaged over batches.
/// Each sample's gradient is divided by B, so this is (1/B)·√(Σᵢ‖∂ℓᵢ/∂xᵢ‖²) ≈ rms‖∂ℓᵢ/∂xᵢ‖/√B: it
/// shrinks like 1/√B whatever the net.
/// </param>
/// <param name="LossGradientSensitivity">S1 on the fixed set, per sample: the mean over the set of ‖∂ℓᵢ/∂xᵢ‖_F.</param>
/// <param name="JacobianSensitivity">S2 (Novak et al. 2018): the mean over the set of ‖∂zᵢ/∂xᵢ‖_F, z the ten logits.</param>
public sealed record SensitivityRun(
    int BatchSize, int Seed, long Steps, double FinalEpochLoss, Evaluation Train, Evaluation Test,
    double ReportSensitivity, double LossGradientSensitivity, double JacobianSensitivity,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] bool? ReachedTarget = null);

public sealed record SensitivityResult(SensitivityConfig Config, long Parameters, SensitivityRun[] Runs) : IExperimentResult<SensitivityConfig>
{
    public SensitivityRun Run(int batchSize, int seed) => Runs.Single(r => r.BatchSize == batchSize && r.Seed == seed);

    /// <summary>The seed's runs in the order of <see cref="SensitivityConfig.BatchSizes"/>.</summary>
    public IReadOnlyList<SensitivityRun> OfSeed(int seed) => Config.BatchSizes.Select(b => Run(b, seed)).ToList();
}

/// <summary>The <c>sensitivity</c> experiment: trains one net per batch size and measures its sensitivity to its input.</summary>
public static class Sensitivity
{
    /// <summary>The experiment's name on the command line, in test traits and under <c>artifacts/runs/</c>.</summary>
    public const string Name = "sensitivity";

    public static Experiment<SensitivityConfig, SensitivityResult> Experiment { get; } = new(Name, "1-3", "Loss, accuracy and input sensitivity of a 784-20-30-10 net against batch size (5 to 1,000)", SensitivityConfig.For, Run)
    {
        Variants = SensitivityConfig.Variants,
    };

    public static SensitivityResult Run(SensitivityConfig config, RunContext context)
    {
        var mnist = context.Mnist();
        // One stack per batch size, of every seed; the smallest batches first: they take by far
        // the longest, so they should not start last.
        int trainings = config.BatchSizes.Length * config.Seeds.Length;
        string epochs = config.EqualStepsAs is { } same ? $"the steps of batch {same}'s {config.Epochs} epochs" : $"{config.Epochs} epochs";
        using var progress = context.Observer.Start($"1-3 sensitivity: {trainings} trainings x {epochs}", config.Seeds.Length * config.BatchSizes.Sum(config.EpochsFor));
        var stacks = context.Map(config.BatchSizes.Order().ToList(), batch => Train(config, mnist, batch, progress, context.Meter));
        return new SensitivityResult(config, Mlp.CountParameters(config.Widths),
            stacks.SelectMany(s => s).OrderBy(r => r.Seed).ThenBy(r => Array.IndexOf(config.BatchSizes, r.BatchSize)).ToArray());
    }

    /// <summary>Part of every seed this experiment derives (<see cref="Seeds.Derive"/>): changing it changes every result. Not <see cref="Name"/>, so that a rename cannot.</summary>
    public const string SeedKey = "sensitivity";

    /// <summary>
    /// The nets of one batch size, one per seed, trained as one stack; then each member's final
    /// metrics and sensitivities, measured on the member as a single net.
    /// </summary>
    /// <remarks>
    /// Member i is seed i's training: its seed's training subset, the seed's one set of initial
    /// weights (from its "init" generator, the same for every batch size) and its own shuffles,
    /// all derived as before stacking. Measured here, five stacked members cost 0.13-0.22 ms per
    /// member and step at batch 5 (0.33-0.52 ms alone) and 0.38-0.44 ms at batch 64 (0.77-0.83 ms).
    /// </remarks>
    private static SensitivityRun[] Train(SensitivityConfig config, MnistData mnist, int batchSize, IProgressTask progress, ITrainingMeter? meter)
    {
        using var scope = NewDisposeScope();
        int members = config.Seeds.Length;
        var train = config.Seeds.Select(seed =>
        {
            using var subsetGenerator = new Generator(Seeds.Derive(seed, SeedKey, "train-subset"));
            return mnist.Train.Subset(config.TrainSamples, subsetGenerator);
        }).ToList();
        var test = mnist.Test.First(config.TestSamples);
        var probe = mnist.Test.First(config.SensitivitySamples);

        // "Identical" nets: every batch size of a seed starts from the same initial weights.
        using var initGenerators = new Generators(config.Seeds.Select(seed => Seeds.Derive(seed, SeedKey, "init")));
        using var model = new StackedMlp(config.Widths, members, config.Activation).InitializeMembers(initGenerators.All);
        string batchKey = batchSize.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var generators = new Generators(config.Seeds.Select(seed => Seeds.Derive(seed, SeedKey, "shuffle", batchKey)));
        long steps = 0;
        using var stop = config.TrainToLoss is { } target ? new TargetLossStop(model, target, () => steps) : null;
        var trainer = new StackedTrainer(new TrainingOptions
        {
            Epochs = config.EpochsFor(batchSize),
            MaxSteps = config.EqualStepsAs is null ? null : (int)config.StepsFor(batchSize),
            BatchSize = batchSize,
            LearningRate = config.LearningRateFor(batchSize),
            Loss = LossKind.CrossEntropy,
            EvaluateTrain = config.TrainToLoss is not null,
        })
        {
            Progress = progress,
            Meter = meter,
            RunNames = [.. config.Seeds.Select(seed => $"sensitivity net, batch {batchSize}, seed {seed}")],
            AfterBackward = _ => steps++,
            AfterEpoch = stop is null ? null : stop.AfterEpoch,
            StopAfterEpoch = stop is null ? null : stop.AllReached,
        };
        var histories = trainer.Fit(model, train, test: null, generators.All);
        stop?.Restore();
        var trainMetrics = trainer.Evaluate(model, train);
        var testMetrics = trainer.Evaluate(model, [.. Enumerable.Repeat(test, members)]);

        return [.. config.Seeds.Select((seed, i) =>
        {
            using var single = model.ExtractMember(i);
            return new SensitivityRun(batchSize, seed, stop?.StepsOf(i, steps) ?? steps, stop?.LossOf(i, histories[i][^1].Loss) ?? histories[i][^1].Loss, trainMetrics[i], testMetrics[i],
                ReportMeasure(single, probe, batchSize), LossGradientNorm(single, probe), JacobianNorm(single, probe),
                stop?.Reached(i));
        })];
    }

    /// <summary>
    /// The report's sensitivity: for each full batch of <paramref name="batchSize"/> samples, the
    /// Frobenius norm of the gradient of the batch's mean cross-entropy with respect to the batch's
    /// inputs; the mean over the batches. A last partial batch is dropped.
    /// </summary>
    public static double ReportMeasure(nn.Module<Tensor, Tensor> model, TensorSet set, int batchSize)
    {
        if (batchSize > set.Count) throw new UsageException($"The sensitivity set has {set.Count} samples, fewer than one batch of {batchSize}.");
        long batches = set.Count / batchSize;
        double sum = SumOverSlices(model, set, batchSize, batches * batchSize, (x, y) =>
            InputGradient(nn.functional.cross_entropy(model.forward(x), y, reduction: nn.Reduction.Mean), x).norm().ToDouble());
        return sum / batches;
    }

    /// <summary>
    /// Mean over the samples of ‖∂ℓᵢ/∂xᵢ‖_F, ℓᵢ the cross-entropy of sample i alone. One backward
    /// per chunk of the summed loss gives every sample's own gradient in its row, because
    /// samples do not interact (no batch normalisation).
    /// </summary>
    public static double LossGradientNorm(nn.Module<Tensor, Tensor> model, TensorSet set, int chunk = 1000) =>
        SumOverSlices(model, set, chunk, set.Count, (x, y) =>
            InputGradient(nn.functional.cross_entropy(model.forward(x), y, reduction: nn.Reduction.Sum), x)
                .flatten(1).norm(1).sum().ToDouble()) // (n,1,28,28) -> (n,784) -> (n)
        / set.Count;

    /// <summary>
    /// Mean over the samples of the Frobenius norm of the input-output Jacobian ∂zᵢ/∂xᵢ (10 x 784),
    /// z the logits (Novak et al. 2018). One backward per logit k of Σᵢ zᵢₖ puts row k of every
    /// sample's Jacobian in that sample's row of the input gradient; the squares are summed over k.
    /// </summary>
    public static double JacobianNorm(nn.Module<Tensor, Tensor> model, TensorSet set, int chunk = 1000) =>
        SumOverSlices(model, set, chunk, set.Count, (x, _) =>
        {
            var logits = model.forward(x); // (n,10)
            var squares = zeros(x.shape[0]);
            for (long k = 0; k < logits.shape[1]; k++)
                squares = squares.Plus(InputGradient(logits.select(1, k).sum(), x).flatten(1).Squared().sum(1)); // (n,784) -> (n)
            return squares.sqrt().sum().ToDouble();
        })
        / set.Count;

    /// <summary>
    /// The one routine behind the three measures: the sum of <paramref name="measure"/> over
    /// consecutive slices of at most <paramref name="slice"/> of the first <paramref name="count"/>
    /// samples, each slice's inputs a fresh leaf that requires its gradient, each slice in its own
    /// dispose scope. The model is measured in eval mode, and the mode it was in is restored even
    /// when a measure throws.
    /// </summary>
    private static double SumOverSlices(nn.Module<Tensor, Tensor> model, TensorSet set, long slice, long count, Func<Tensor, Tensor, double> measure)
    {
        bool training = model.training;
        model.eval();
        try
        {
            double sum = 0;
            for (long start = 0; start < count; start += slice)
            {
                using var scope = NewDisposeScope();
                long size = Math.Min(slice, count - start);
                var x = set.Inputs.narrow(0, start, size).detach().clone().requires_grad_(true);
                sum += measure(x, set.Targets.narrow(0, start, size));
            }
            return sum;
        }
        finally
        {
            model.train(training);
        }
    }

    /// <summary>∂<paramref name="output"/>/∂<paramref name="input"/>; the graph is kept (a second backward through a freed graph can end the process from native code).</summary>
    private static Tensor InputGradient(Tensor output, Tensor input) =>
        autograd.grad([output], [input], retain_graph: true)[0];
}
