using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Homework.Experiments.Core;

// In-process: LibTorch's natives (and the Debian 12 fix of libLibTorchSharp.so) live in this
// project's output folder, which a separately generated benchmark project would not have.
TorchRuntime.EnsureLoaded();
if (args is ["stress", ..])
    return Homework.Benchmarks.ScalarLifetimeStress.Run(args[1..]);
if (args is ["steps", ..])
    return Homework.Benchmarks.StepProbe.Run(args[1..]);
if (args is ["conv", ..])
    return Homework.Benchmarks.ConvProbe.Run(args[1..]);
if (args is ["parallel", ..])
    return Homework.Benchmarks.ParallelProbe.Run(args[1..]);
if (args is ["experiments", ..])
    return Homework.Benchmarks.ExperimentProbe.Run(args[1..]);
if (args is ["evaluation", ..])
    return Homework.Benchmarks.EvaluationProbe.Run(args[1..]);
if (args is ["parts", ..])
    return Homework.Benchmarks.PartsProbe.Run(args[1..]);
if (args is ["trunk", ..])
    return Homework.Benchmarks.TrunkProbe.Run(args[1..]);
if (args is ["adam", ..])
    return Homework.Benchmarks.AdamProbe.Run(args[1..]);
if (args is ["tanh-mlp", ..])
    return Homework.Benchmarks.TanhMlpProbe.Run(args[1..]);

var job = Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance);
var config = DefaultConfig.Instance
    .AddJob(job)
    .WithArtifactsPath(Path.Combine(ProjectPaths.Discover().Artifacts, "benchmarks"))
    .WithOptions(ConfigOptions.DisableOptimizationsValidator);
BenchmarkSwitcher.FromAssembly(typeof(Homework.Benchmarks.TrainingStepBenchmarks).Assembly).Run(args, config);
return 0;
