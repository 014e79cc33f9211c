namespace Homework.Mutations;

/// <summary>
/// One deliberate defect: in <see cref="File"/> (relative to the repository root), the text
/// <see cref="Find"/>, which must occur exactly once, becomes <see cref="Replace"/>. The
/// claims of every experiment in <see cref="Experiments"/> (those the edited code trains) are
/// then reproduced at the quick profile in the portable regime, and at least one must fail.
/// </summary>
/// <param name="Name">Short kebab-case name, e.g. <c>learning-rate-x3-mnist-cnn</c>.</param>
/// <param name="Change">What the defect does, in words, for the table.</param>
/// <param name="Experiments">The experiments whose claims are reproduced (their tests carry the trait <c>experiment=&lt;name&gt;</c>).</param>
public sealed record Mutation(string Name, string Change, IReadOnlyList<string> Experiments, string File, string Find, string Replace);

/// <summary>The mutations of the suite: the defects the portable comparison must catch.</summary>
public static class MutationSuite
{
    /// <summary>The experiments the stacked trainer trains on shuffled mini-batches (a defect in its shuffle reaches all of them).</summary>
    private static readonly string[] Shuffled = ["mnist-cnn", "optimization-paths", "gradient-norm", "parameter-count", "interpolation", "sensitivity"];

    /// <summary>
    /// Adam's learning rate x3, once per experiment that has one learning rate (interpolation's
    /// pairs set their own): the same defect in every experiment, so the table shows where the
    /// claims are sharp enough to see it rather than one chosen experiment.
    /// </summary>
    private static readonly (string Experiment, string File)[] LearningRates =
    [
        ("function-fitting", "FunctionFitting"), ("mnist-cnn", "MnistCnn"), ("optimization-paths", "OptimizationPaths"),
        ("gradient-norm", "GradientNorm"), ("minimal-ratio", "MinimalRatio"), ("random-labels", "RandomLabels"),
        ("parameter-count", "ParameterCount"), ("sensitivity", "Sensitivity"),
    ];

    public static IReadOnlyList<Mutation> All { get; } =
    [
        .. LearningRates.Select(lr => new Mutation($"learning-rate-x3-{lr.Experiment}", $"Adam's learning rate 0.001 → 0.003 in {lr.Experiment}",
            [lr.Experiment], $"src/Experiments/Runs/{lr.File}.cs",
            "public double LearningRate { get; init; } = 1e-3;", "public double LearningRate { get; init; } = 3e-3;")),
        new("summed-loss", "the training loss summed over a batch instead of averaged (the stacked trainer, which trains every experiment but random labels and the widest parameter-count nets)",
            ["mnist-cnn"], "src/Experiments/Training/StackedTrainer.cs",
            "memberLosses = MemberLosses(model.forward(x), y, nn.Reduction.Mean);", "memberLosses = MemberLosses(model.forward(x), y, nn.Reduction.Sum);"),
        new("one-layer-fewer", "the deep function-fitting net loses one of its seven hidden layers",
            ["function-fitting"], "src/Experiments/Runs/FunctionFitting.cs",
            "new(\"deep\", [1, 5, 10, 10, 10, 10, 10, 5, 1]),", "new(\"deep\", [1, 5, 10, 10, 10, 10, 5, 1]),"),
        new("epochs-halved", "the quick CNN schedule trains 8 epochs instead of 16",
            ["mnist-cnn"], "src/Experiments/Runs/MnistCnn.cs",
            "new() { Epochs = 16, TrainSamples = 6_000, TestSamples = 2_000 }", "new() { Epochs = 8, TrainSamples = 6_000, TestSamples = 2_000 }"),
        new("no-reshuffle", "the training set is never reshuffled: the same order every epoch (the stacked trainer, in every experiment it trains on shuffled mini-batches)",
            Shuffled, "src/Experiments/Training/StackedTrainer.cs",
            "using (var order = Options.Shuffle && batch < n ? trainData.Shuffle(generators) : null)", "using (var order = (Tensor?)null)"),
        new("wrong-label-subset", "a random training subset keeps the labels of the first images instead of its own",
            ["mnist-cnn"], "src/Experiments/Data/MnistData.cs",
            "public TensorSet Select(Tensor indices) => new(Inputs.index_select(0, indices), Targets.index_select(0, indices));",
            "public TensorSet Select(Tensor indices) => new(Inputs.index_select(0, indices), Targets.narrow(0, 0, indices.shape[0]));"),
        new("seed-ignored", "every seed trains from the same generator: the seeds no longer differ",
            ["function-fitting"], "src/Experiments/Core/Seeds.cs",
            "foreach (byte b in BitConverter.GetBytes(seed)) Mix(b);", "foreach (byte b in BitConverter.GetBytes(0)) Mix(b);"),
        new("relu-not-leaky", "plain ReLU instead of leaky ReLU in the function-fitting nets",
            ["function-fitting"], "src/Experiments/Runs/FunctionFitting.cs",
            "public Activation Activation { get; init; } = Activation.LeakyRelu;", "public Activation Activation { get; init; } = Activation.Relu;"),
    ];

    public static Mutation Find(string name) =>
        All.FirstOrDefault(m => m.Name == name)
        ?? throw new ArgumentException($"Unknown mutation '{name}'. Valid: {string.Join(", ", All.Select(m => m.Name))}.");
}
