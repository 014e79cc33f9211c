using BenchmarkDotNet.Attributes;
using Homework.Experiments.Core;

namespace Homework.Benchmarks;

/// <summary>
/// One training step of every kind of net the experiments train, alone as today
/// (<c>single</c>, <see cref="Homework.Experiments.Training.Trainer"/>) and as stacks of M
/// independent nets (<c>stacked xM</c>, <see cref="Homework.Experiments.Training.StackedTrainer"/>),
/// with the time per member and the FLOP rate against the sgemm peak (issue 15). Each operation
/// is one of 50 steps the trainer runs through its own code (batch gather, forward, loss,
/// backward, Adam, reading the losses); the means are per step.
/// </summary>
[Config(typeof(FlopRateConfig))]
public class StackedStepBenchmarks
{
    /// <param name="Net">The net, its batch and loss.</param>
    /// <param name="Stacked">A stack (<see cref="Homework.Experiments.Training.StackedTrainer"/>) or one net alone (<see cref="Homework.Experiments.Training.Trainer"/>).</param>
    /// <param name="Members">Nets in the stack.</param>
    /// <param name="Threads">LibTorch intra-op threads; 1 is the harness's default.</param>
    public sealed record StepCase(NetCase Net, bool Stacked, int Members, int Threads) : IFlopCase
    {
        public double Flops => Members * Net.StepFlops;
        public override string ToString() => $"{Net.Name} {(Stacked ? $"stacked x{Members}" : "single")}{(Threads > 1 ? $", {Threads} threads" : "")}";
    }

    /// <summary>
    /// Every net alone and in each of its stack sizes with one thread; with two threads only the
    /// net alone and its largest stack (the op sizes where a second thread could pay), since a
    /// second thread on a machine whose cores are busy stalls at every parallel region.
    /// </summary>
    public static IEnumerable<StepCase> Cases() =>
        NetCase.All.SelectMany(net =>
            net.Members.Select(m => new StepCase(net, true, m, 1)).Prepend(new StepCase(net, false, 1, 1))
                .Concat([new StepCase(net, false, 1, 2), new StepCase(net, true, net.Members.Max(), 2)]));

    [ParamsSource(nameof(Cases))]
    public StepCase Case { get; set; } = null!;

    private StepRunner runner = null!;

    [GlobalSetup]
    public void Setup()
    {
        TorchRuntime.UseThreads(Case.Threads);
        runner = new StepRunner(Case.Net, Case.Stacked, Case.Members);
    }

    [Benchmark(OperationsPerInvoke = NetCase.Steps, Description = "training step")]
    public double Step() => runner.Run();

    [GlobalCleanup]
    public void Cleanup()
    {
        runner.Dispose();
        TorchRuntime.UseThreads(1);
    }
}
