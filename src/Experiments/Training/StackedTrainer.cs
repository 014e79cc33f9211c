using Homework.Experiments.Core;
using Homework.Experiments.Data;
using Homework.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Homework.Experiments.Training;

/// <summary>What the stacked trainer passes to a per-step hook, after backward and before the update.</summary>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="Step">1-based optimiser step, counted over the whole run (the same for every member).</param>
/// <param name="MemberLosses">Each member's batch loss, (M), with its graph.</param>
public sealed record StackedStepInfo(int Epoch, int Step, Tensor MemberLosses);

/// <summary>
/// <see cref="Trainer"/> for a <see cref="StackedModule"/>: trains M independent nets in one
/// loop, and measures for each member what <see cref="Trainer.Fit"/> measures for one net.
/// </summary>
/// <remarks>
/// <para>
/// Each member has its own training set (all of one size), its own generator, from which it
/// draws its own shuffle every epoch exactly as <see cref="Trainer"/> draws from the run's
/// generator, its own batches, and its own optimiser state: the harness's Adam and SGD are
/// elementwise, so one optimiser over the stacked parameters is M independent ones.
/// </para>
/// <para>
/// The loss that is differentiated is the sum over members of each member's mean batch loss,
/// so member i's gradient is the gradient of its own mean loss, as in a training of its own.
/// With one member every LibTorch call is the one <see cref="Trainer"/> makes (mean-reduced
/// loss, the same batch gathers, <c>nn.functional.linear</c> in the model), so a stack of one is
/// bit-identical to it; <c>StackedTrainerTests</c> checks both.
/// </para>
/// </remarks>
public sealed class StackedTrainer(TrainingOptions options)
{
    public TrainingOptions Options { get; } = options;

    /// <summary>Called after every backward pass, before the optimiser step (gradients are in place).</summary>
    public Action<StackedStepInfo>? AfterBackward { get; init; }

    /// <summary>Called after every epoch with each member's metrics (member index, metrics).</summary>
    public Action<int, EpochMetrics>? AfterEpoch { get; init; }

    /// <summary>
    /// Called after every epoch, after <see cref="AfterEpoch"/>, with the epoch; true ends the
    /// training there (e.g. once every member has reached a target loss). None when null. The
    /// <see cref="Meter"/>'s batch order still covers every epoch of <see cref="TrainingOptions.Epochs"/>:
    /// the orders of the epochs not trained are drawn for it, after the training, from the same
    /// generators.
    /// </summary>
    public Func<int, bool>? StopAfterEpoch { get; init; }

    /// <summary>Receives the work of the training steps when the loop ends (not of its evaluations); none when null.</summary>
    public ITrainingMeter? Meter { get; init; }

    /// <summary>Progress, one unit per member and epoch (as many as M single trainings report).</summary>
    public IProgressTask? Progress { get; init; }

    /// <summary>Each member's name for error messages (e.g. "cnn-1, seed 3"); "member i" when null.</summary>
    public IReadOnlyList<string>? RunNames { get; init; }

    /// <summary>
    /// Each member's loss on a batch, (M), with its gradient added to the parameters' gradients, in
    /// place of the model's forward pass, the loss and autograd's backward pass: a kernel of the
    /// harness's own (e.g. <see cref="Models.TanhMlpGradients.MeanSquaredError"/>), given the batch's
    /// inputs (M, B, ...) and targets (M·B, ...) member-major. Null trains through autograd.
    /// </summary>
    public Func<Tensor, Tensor, Tensor>? LossAndGradient { get; init; }

    /// <summary>Trains every member; returns each member's per-epoch metrics, in member order.</summary>
    /// <param name="model">The stack, initialised (e.g. with <see cref="StackedModule.InitializeMembers"/>).</param>
    /// <param name="train">Each member's training set; all of one size. Pass the same set M times to share it.</param>
    /// <param name="test">Each member's test set (all of one size), or null.</param>
    /// <param name="generators">Each member's generator, for its shuffles.</param>
    /// <param name="trainSample">
    /// Where <see cref="TrainingOptions.EvaluateTrain"/> measures the training set at every epoch but
    /// the last (each member's sample of its own training set, all of one size), as
    /// <see cref="Trainer.Fit"/>'s parameter of that name; null measures the whole training sets every time.
    /// </param>
    public IReadOnlyList<IReadOnlyList<EpochMetrics>> Fit(
        StackedModule model, IReadOnlyList<TensorSet> train, IReadOnlyList<TensorSet>? test, IReadOnlyList<Generator> generators,
        IReadOnlyList<TensorSet>? trainSample = null)
    {
        int members = model.Members;
        if (Options.Epochs < 1) throw new UsageException($"Epochs must be at least 1; got {Options.Epochs}.");
        if (Options.BatchSize is < 1) throw new UsageException($"Batch size must be at least 1; got {Options.BatchSize}.");
        if (generators.Count != members) throw new UsageException($"One generator per member: {members} members, {generators.Count} generators.");
        if (RunNames is { } names && names.Count != members) throw new UsageException($"One run name per member: {members} members, {names.Count} names.");

        using var trainData = new StackedData(train, members, "training");
        using var testData = test is null ? null : new StackedData(test, members, "test");
        using var sampleData = trainSample is null || !Options.EvaluateTrain ? null : new StackedData(trainSample, members, "training-sample");
        using var optimizer = CreateOptimizer(model);
        var history = Enumerable.Range(0, members).Select(_ => new List<EpochMetrics>(Options.Epochs)).ToArray();
        long n = trainData.Count;
        long batch = Math.Min(Options.BatchSize ?? n, n);
        int step = 0;
        long samples = 0;
        double threadSeconds = 0, wallSeconds = 0;
        var batchOrder = new BatchOrder(members);
        int stoppedAfter = 0;

        for (int epoch = 1; epoch <= Options.Epochs; epoch++)
        {
            model.train();
            var sums = new double[members];
            long seen = 0;
            double threadStart = ThreadClock.Seconds;
            long wallStart = System.Diagnostics.Stopwatch.GetTimestamp();
            using (var order = Options.Shuffle && batch < n ? trainData.Shuffle(generators) : null)
            {
                batchOrder.Epoch(order, n, batch);
                for (long start = 0; start < n; start += batch)
                {
                    if (Options.MaxSteps is { } max && step >= max) break;
                    using var scope = NewDisposeScope();
                    long size = Math.Min(batch, n - start);
                    var (x, y) = trainData.Batch(model, order, start, size);
                    optimizer.ZeroGrad();
                    Tensor memberLosses;
                    if (LossAndGradient is { } own) memberLosses = own(x, y);
                    else
                    {
                        memberLosses = MemberLosses(model.forward(x), y, nn.Reduction.Mean);
                        var total = members == 1 ? memberLosses.view([]) : memberLosses.sum();
                        total.backward();
                    }
                    step++;
                    AfterBackward?.Invoke(new StackedStepInfo(epoch, step, memberLosses));
                    optimizer.Step();
                    // One read of M floats; as Trainer, each loss goes to double before it is weighted.
                    double[] losses = Values(memberLosses);
                    for (int i = 0; i < members; i++) sums[i] += (double)losses[i] * size;
                    seen += size;
                }
            }

            threadSeconds += ThreadClock.Seconds - threadStart;
            wallSeconds += System.Diagnostics.Stopwatch.GetElapsedTime(wallStart).TotalSeconds;
            samples += seen * members;

            for (int i = 0; i < members; i++)
            {
                double epochLoss = seen > 0 ? sums[i] / seen : double.NaN;
                if (!double.IsFinite(epochLoss))
                    throw new TrainingDivergedException(epoch, epochLoss, RunNames?[i] ?? $"member {i}");
            }

            bool last = epoch == Options.Epochs || (Options.MaxSteps is { } m && step >= m);
            bool evaluate = last || epoch % Options.EvaluateEvery == 0;
            var trainEvaluation = evaluate && Options.EvaluateTrain ? Evaluate(model, last ? trainData : sampleData ?? trainData) : null;
            var testEvaluation = evaluate && testData is not null ? Evaluate(model, testData) : null;
            for (int i = 0; i < members; i++)
            {
                var metrics = new EpochMetrics(epoch, seen > 0 ? sums[i] / seen : double.NaN, trainEvaluation?[i], testEvaluation?[i]);
                history[i].Add(metrics);
                AfterEpoch?.Invoke(i, metrics);
            }
            Progress?.Advance(members);
            if (last) break;
            if (StopAfterEpoch?.Invoke(epoch) == true)
            {
                stoppedAfter = epoch;
                break;
            }
        }
        if (Meter is not null)
        {
            // Where StopAfterEpoch ends the loop (a loss target) depends on the losses, so on the
            // floating-point path; the orders of the rest of the epochs given are drawn for the
            // digest alone, so that it depends on the seeds and the schedule, as everywhere else.
            for (int epoch = stoppedAfter + 1; stoppedAfter > 0 && epoch <= Options.Epochs; epoch++)
            {
                using var order = Options.Shuffle && batch < n ? trainData.Shuffle(generators) : null;
                batchOrder.Epoch(order, n, batch);
            }
            var (net, multiplyAdds) = FlopCounts.Of(model) ?? (TrainingWork.UnknownNet, 0);
            Meter.Record(new TrainingWork(net, members, step, samples, multiplyAdds, threadSeconds, wallSeconds, batchOrder.Digest));
        }
        return history;
    }

    /// <summary>Each member's loss (and accuracy, for classification) on its own set, in eval mode without gradients.</summary>
    public Evaluation[] Evaluate(StackedModule model, IReadOnlyList<TensorSet> sets)
    {
        using var data = new StackedData(sets, model.Members, "evaluation");
        return Evaluate(model, data);
    }

    private Evaluation[] Evaluate(StackedModule model, StackedData data)
    {
        int members = model.Members;
        model.eval();
        using var noGrad = no_grad();
        var lossSums = new double[members];
        var correct = new long[members];
        long n = data.Count;
        for (long start = 0; start < n; start += Options.EvaluationBatchSize)
        {
            using var scope = NewDisposeScope();
            long size = Math.Min(Options.EvaluationBatchSize, n - start);
            var (output, y) = Forward(model, data, start, size); // (M, E, outputs), (M·E, ...)
            double[] sums = Values(MemberLosses(output, y, nn.Reduction.Sum));
            for (int i = 0; i < members; i++) lossSums[i] += sums[i];
            if (Options.Loss == LossKind.CrossEntropy)
            {
                long[] hits = members == 1
                    ? [output.select(0, 0).argmax(1).eq(y).sum().item<long>()]
                    : output.argmax(2).eq(y.view(members, size)).sum(1).data<long>().ToArray();
                for (int i = 0; i < members; i++) correct[i] += hits[i];
            }
        }
        model.train();
        // MSE summed over every element; divide by elements so it matches the mean-reduced training loss.
        long perMember = n * (data.TargetElementsPerRow);
        double denominator = Options.Loss == LossKind.MeanSquaredError ? perMember : n;
        return [.. Enumerable.Range(0, members).Select(i =>
            new Evaluation(lossSums[i] / denominator, Options.Loss == LossKind.CrossEntropy ? (double)correct[i] / n : null))];
    }

    /// <summary>
    /// The logits of rows <paramref name="start"/> to <paramref name="start"/> + <paramref name="size"/>
    /// and their targets, forward in pieces of <see cref="TrainingOptions.EvaluationChunk"/> rows when
    /// it is set. The losses are then taken over the whole batch as before, so the results change
    /// only where a kernel gives a piece's rows other bits than the whole batch's.
    /// </summary>
    private (Tensor Output, Tensor Target) Forward(StackedModule model, StackedData data, long start, long size)
    {
        if (Options.EvaluationChunk is not { } chunk || chunk >= size)
            return ForwardOnce(model, data, start, size);
        if (chunk < 1) throw new ArgumentOutOfRangeException(nameof(TrainingOptions.EvaluationChunk), chunk, "An evaluation chunk needs at least one row.");
        var outputs = new List<Tensor>();
        var targets = new List<Tensor>();
        for (long at = 0; at < size; at += chunk)
        {
            long rows = Math.Min(chunk, size - at);
            var (output, target) = ForwardOnce(model, data, start + at, rows);
            outputs.Add(output);
            // Member-major (M·rows, ...) -> (M, rows, ...), to be joined along the rows.
            targets.Add(target.reshape([model.Members, rows, .. target.shape.Skip(1)]));
        }
        using var joined = cat(targets, 1);
        return (cat(outputs, 1), joined.flatten(0, 1));
    }

    private static (Tensor Output, Tensor Target) ForwardOnce(StackedModule model, StackedData data, long start, long size)
    {
        var (x, y) = data.Batch(model, order: null, start, size);
        return (model.forward(x), y);
    }

    /// <summary>
    /// Each member's loss, (M): the mean (or sum) over its own rows of
    /// <paramref name="output"/> (M, B, outputs) against <paramref name="target"/> (M·B, ...) member-major.
    /// </summary>
    private Tensor MemberLosses(Tensor output, Tensor target, nn.Reduction reduction)
    {
        long members = output.shape[0];
        using var rows = output.reshape(-1, output.shape[2]); // (M·B, outputs)
        if (members == 1)
        {
            // Trainer's own call, on the same (B, outputs) tensor.
            using var loss = LossOf(rows, target, reduction);
            return loss.view(1);
        }
        using var each = LossOf(rows, target, nn.Reduction.None); // (M·B) or (M·B, outputs)
        using var perMember = each.view(members, -1);
        return reduction == nn.Reduction.Sum ? perMember.sum(1) : perMember.mean([1]);
    }

    /// <summary>
    /// The values of a small float tensor in one read, each converted to double as
    /// <c>Tensor.ToDouble()</c> converts a single value (exactly).
    /// </summary>
    private static double[] Values(Tensor t) => t.dtype == ScalarType.Float64
        ? t.data<double>().ToArray()
        : [.. t.data<float>().ToArray().Select(v => (double)v)];

    private Tensor LossOf(Tensor output, Tensor target, nn.Reduction reduction) => Options.Loss switch
    {
        LossKind.MeanSquaredError => nn.functional.mse_loss(output, target, reduction),
        LossKind.CrossEntropy => nn.functional.cross_entropy(output, target, reduction: reduction),
        _ => throw new UsageException($"Unknown loss {Options.Loss}."),
    };

    private IOptimizer CreateOptimizer(StackedModule model) => Options.Optimizer switch
    {
        OptimizerKind.Adam => Optimizers.Adam(model.parameters(), Options.LearningRate, Options.FlatParameters, Options.FusedOptimizer),
        OptimizerKind.Sgd => Optimizers.Sgd(model.parameters(), Options.LearningRate, Options.FlatParameters),
        _ => throw new UsageException($"Unknown optimizer {Options.Optimizer}; valid: {string.Join(", ", Enum.GetNames<OptimizerKind>())}."),
    };

    /// <summary>
    /// The members' sets as one source of rows. Inputs and targets are each kept as they are
    /// when every member has the same tensor (the function fits share the grid and differ in
    /// targets); else the distinct tensors (by reference) are concatenated once, and member i
    /// reads its rows at the offset of its own tensor, so members that share a set (the
    /// interpolation nets of one seed) share its copy too.
    /// </summary>
    private sealed class StackedData : IDisposable
    {
        private readonly int members;
        private readonly bool sharedInputs, sharedTargets;
        private readonly Tensor inputs, targets;
        private readonly Tensor inputOffsets, targetOffsets; // (M, 1): where each member's rows start in a concatenation

        public StackedData(IReadOnlyList<TensorSet> sets, int members, string what)
        {
            if (sets.Count != members) throw new UsageException($"One {what} set per member: {members} members, {sets.Count} sets.");
            this.members = members;
            Count = sets[0].Count;
            if (sets.Any(s => s.Count != Count))
                throw new UsageException($"Stacked members need {what} sets of one size; got {string.Join(", ", sets.Select(s => s.Count).Distinct())}.");
            (inputs, inputOffsets, sharedInputs) = Concatenate(sets.Select(s => s.Inputs).ToList(), Count);
            (targets, targetOffsets, sharedTargets) = Concatenate(sets.Select(s => s.Targets).ToList(), Count);
            TargetElementsPerRow = targets.shape.Skip(1).Aggregate(1L, (a, b) => a * b);
        }

        /// <summary>
        /// The distinct tensors of <paramref name="perMember"/> (by reference) as one, and each
        /// member's row offset in it, (M, 1); an alias of the tensor when every member has the same.
        /// </summary>
        private static (Tensor All, Tensor Offsets, bool Shared) Concatenate(IReadOnlyList<Tensor> perMember, long count)
        {
            var distinct = perMember.Distinct(ReferenceEqualityComparer.Instance).Cast<Tensor>().ToList();
            long[] offsets = [.. perMember.Select(t => distinct.FindIndex(d => ReferenceEquals(d, t)) * count)];
            var all = distinct.Count == 1 ? distinct[0].alias() : cat(distinct, 0);
            return (all, tensor(offsets, [offsets.Length, 1]), distinct.Count == 1);
        }

        public long Count { get; }

        /// <summary>Elements of one target row (1 for class labels, outputs for regression).</summary>
        public long TargetElementsPerRow { get; }

        /// <summary>Each member's permutation of its rows, from its own generator, as Trainer draws it: (M, N).</summary>
        public Tensor Shuffle(IReadOnlyList<Generator> generators)
        {
            using var scope = NewDisposeScope();
            return stack(generators.Select(g => randperm(Count, generator: g)).ToList(), 0).MoveToOuterDisposeScope();
        }

        /// <summary>
        /// Rows start..start+size of every member (in its shuffled order when given), as the
        /// model's input and member-major targets (M·B, ...).
        /// </summary>
        public (Tensor X, Tensor Y) Batch(StackedModule model, Tensor? order, long start, long size)
        {
            Tensor? rows = order?.narrow(1, start, size); // (M, size), each member's own row numbers
            // In order (no shuffle), a shared tensor is broadcast to every member without a copy;
            // a concatenation is read at each member's offset.
            if (rows is null && !(sharedInputs && sharedTargets))
            {
                using Scalar from = start.ToScalar(), to = (start + size).ToScalar(), one = 1.ToScalar();
                using var range = arange(from, to, one, dtype: int64);
                rows = range.unsqueeze(0).expand(members, size);
            }
            bool inOrder = order is null;

            Tensor x;
            if (inOrder && sharedInputs)
                x = model.Broadcast(size == Count ? inputs : inputs.narrow(0, start, size));
            else
                x = model.Gather(inputs, sharedInputs ? rows! : Offset(rows!, inputOffsets));

            Tensor y;
            if (inOrder && sharedTargets)
                y = BroadcastTargets(size == Count ? targets : targets.narrow(0, start, size));
            else
            {
                using var at = (sharedTargets ? rows! : Offset(rows!, targetOffsets)).reshape(-1);
                y = targets.index_select(0, at);
            }
            return (x, y);
        }

        /// <summary>Row numbers of each member's own set -> row numbers in the concatenation.</summary>
        private static Tensor Offset(Tensor rows, Tensor offsets)
        {
            using var one = 1.ToScalar();
            return rows.add(offsets, one);
        }

        /// <summary>(B, ...) -> (M·B, ...), member-major; the rows themselves for one member.</summary>
        private Tensor BroadcastTargets(Tensor y)
        {
            if (members == 1) return y.alias();
            using var one = y.unsqueeze(0);
            using var all = one.expand([members, .. y.shape]);
            return all.reshape([members * y.shape[0], .. y.shape.Skip(1)]);
        }

        public void Dispose()
        {
            inputs.Dispose();
            targets.Dispose();
            inputOffsets.Dispose();
            targetOffsets.Dispose();
        }
    }
}
