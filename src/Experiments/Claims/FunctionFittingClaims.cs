using Homework.Experiments.Analysis;
using Homework.Experiments.Golden;
using Homework.Experiments.Runs;
using Homework.Experiments.Training;

namespace Homework.Experiments.Claims;

/// <summary>The claims of report part 1-1, "Simulate a function" (figures 1-4).</summary>
public static class FunctionFittingClaims
{
    /// <summary>The plateau rule used for "convergence" in part 1-1.</summary>
    public static Convergence Plateau { get; } = new(Window: 500, Threshold: 0.10);

    /// <summary>"About 2500 iterations": up to 25% more still counts.</summary>
    public const int ReportedConvergenceEpoch = 2500;
    public const double ReportedConvergenceSlack = 1.25;

    // The claims are declared after everything their initialisers read: static initialisers run in textual order.

    public static Claim<FunctionFittingResult> DepthAndSize { get; } = new()
    {
        Id = "1-1/nets/depth-and-size",
        Statement = "Models 0, 1, and 2 are fully connected neural networks with seven, four, and one layers, respectively, with 571, 572, and 572 parameters.",
        Criterion = "The deep, middle and shallow nets have 7, 4 and 1 hidden layers, and parameter counts within 1 of 571, 572 and 572 (counted from the built modules).",
        Experiment = FunctionFitting.Experiment,
        Figures = [1, 2, 3, 4],
        Check = DepthAndSizeEvidence,
    };

    public static Claim<FunctionFittingResult> AllConverge { get; } = new()
    {
        Id = "1-1/all/converge",
        Statement = "Within an acceptable number of training cycles, all models for the two functions experienced loss function convergence.",
        Criterion = $"Every net converges on both functions within the run, where converged means {Plateau}.",
        Experiment = FunctionFitting.Experiment,
        Figures = [1, 3],
        Check = r => Convergence(r, r.Config.Functions, epochLimit: null),
    };

    public static Claim<FunctionFittingResult> SincConvergesBy2500 { get; } = new()
    {
        Id = "1-1/sinc/converges-by-2500",
        Statement = "The Mean Squared Error (MSE) of three models (deep, intermediate, and shallow) for each epoch of the training for the simulation of (sin(5 * (pi * x))) is shown in Figure 1 below. After 2500 iterations, convergence is attained.",
        Criterion = $"On sin(5πx)/(5πx) every net converges ({Plateau}) by epoch {ReportedConvergenceEpoch * ReportedConvergenceSlack:N0} (2,500 plus 25%).",
        Experiment = FunctionFitting.Experiment,
        Figures = [1],
        Check = r => Convergence(r, [TargetFunction.Sinc], epochLimit: (int)(ReportedConvergenceEpoch * ReportedConvergenceSlack)),
    };

    public static Claim<FunctionFittingResult> SignEdgesMisclassified { get; } = new()
    {
        Id = "1-1/sign/edges-misclassified",
        Statement = "While the graph's models performed well in the middle, the x-extreme axis's ends include misclassifications.",
        Criterion = "On sign(sin(5πx)), for every net the share of grid points whose predicted sign is wrong is higher in the edge bands (outer 10% of the domain at each end) than in the middle.",
        Experiment = FunctionFitting.Experiment,
        Figures = [4],
        Check = r => SignErrors(r, (edge, middle) => edge.Zip(middle).All(p => p.First > p.Second), "edge > middle for"),
    };

    public static Claim<FunctionFittingResult> SignDeeperFitsEdgesBetter { get; } = new()
    {
        Id = "1-1/sign/deeper-fits-edges-better",
        Statement = "The failure at the graph's edges is reduced the deeper the model is.",
        Criterion = "On sign(sin(5πx)), the edge-band sign error rates are ordered deep ≤ middle ≤ shallow with deep < shallow: depth must actually reduce an edge failure, so three error-free nets do not count.",
        Experiment = FunctionFitting.Experiment,
        Figures = [4],
        Check = r => SignErrors(r, (edge, _) => edge.Zip(edge.Skip(1)).All(p => p.First <= p.Second) && edge[0] < edge[^1], "deep <= middle <= shallow, deep < shallow in"),
    };

    public static IReadOnlyList<Claim> All { get; } = [DepthAndSize, AllConverge, SincConvergesBy2500, SignEdgesMisclassified, SignDeeperFitsEdgesBetter];

    private static ClaimEvidence DepthAndSizeEvidence(FunctionFittingResult result)
    {
        (string Net, int Hidden, long Parameters)[] reported = [("deep", 7, 571), ("middle", 4, 572), ("shallow", 1, 572)];
        var common = Evidence.Metrics();
        var seeds = Evidence.PerSeed(result.Config.Seeds, (seed, _) =>
        {
            bool holds = true;
            foreach (var (net, hidden, parameters) in reported)
            {
                var fit = result.Fit(result.Config.Functions[0], net, seed);
                common[$"{net}/hidden-layers"] = fit.HiddenLayers;
                common[$"{net}/parameters"] = fit.Parameters;
                holds &= fit.HiddenLayers == hidden && Math.Abs(fit.Parameters - parameters) <= 1;
            }
            return holds;
        });
        string summary = string.Join(", ", reported.Select(r => $"{r.Net} {common[$"{r.Net}/hidden-layers"]} hidden/{common[$"{r.Net}/parameters"]} params"));
        return new ClaimEvidence(seeds, common, summary);
    }

    private static ClaimEvidence Convergence(FunctionFittingResult result, IReadOnlyList<TargetFunction> functions, int? epochLimit)
    {
        var epochs = new List<int?>();
        var seeds = Evidence.PerSeed(result.Config.Seeds, (seed, metrics) =>
        {
            bool holds = true;
            foreach (var function in functions)
                foreach (var net in result.Config.Nets)
                {
                    var fit = result.Fit(function, net.Name, seed);
                    int? epoch = Plateau.Epoch(fit.Loss);
                    string key = $"{Slug(function)}/{net.Name}";
                    metrics[$"{key}/converged-at"] = epoch ?? -1;
                    metrics[$"{key}/final-loss"] = (double)fit.Loss[^1];
                    holds &= epoch is not null && (epochLimit is null || epoch <= epochLimit);
                    epochs.Add(epoch);
                }
            return holds;
        });
        var reached = epochs.Where(e => e is not null).Select(e => e!.Value).ToList();
        string summary = $"{reached.Count} of {epochs.Count} fits converged" +
                         (reached.Count > 0 ? $", at epoch {reached.Min():N0}-{reached.Max():N0} (median {Statistics.Median(reached.Select(e => (double)e)):N0})" : "");
        return new ClaimEvidence(seeds, Evidence.None, summary);
    }

    private static ClaimEvidence SignErrors(FunctionFittingResult result, Func<double[], double[], bool> rule, string summaryWords)
    {
        var config = result.Config;
        double[] target = result.Target(TargetFunction.Sign);
        double range = config.DomainEnd - config.DomainStart;
        bool[] edge = result.X.Select(x => x <= config.DomainStart + config.EdgeBand * range || x > config.DomainEnd - config.EdgeBand * range).ToArray();
        var edgeMeans = config.Nets.ToDictionary(n => n.Name, _ => new List<double>());
        var middleMeans = config.Nets.ToDictionary(n => n.Name, _ => new List<double>());
        var seeds = Evidence.PerSeed(config.Seeds, (seed, metrics) =>
        {
            var edgeRates = new double[config.Nets.Length];
            var middleRates = new double[config.Nets.Length];
            for (int n = 0; n < config.Nets.Length; n++)
            {
                var fit = result.Fit(TargetFunction.Sign, config.Nets[n].Name, seed);
                edgeRates[n] = ErrorRate(fit.Prediction, target, edge, inBand: true);
                middleRates[n] = ErrorRate(fit.Prediction, target, edge, inBand: false);
                metrics[$"{config.Nets[n].Name}/edge-error"] = edgeRates[n];
                metrics[$"{config.Nets[n].Name}/middle-error"] = middleRates[n];
                metrics[$"{config.Nets[n].Name}/final-loss"] = (double)fit.Loss[^1];
                edgeMeans[config.Nets[n].Name].Add(edgeRates[n]);
                middleMeans[config.Nets[n].Name].Add(middleRates[n]);
            }
            return rule(edgeRates, middleRates);
        });
        string summary = $"{summaryWords} {Evidence.Count(seeds)} seeds; mean sign error edge/middle: " +
                         string.Join(", ", config.Nets.Select(n => $"{n.Name} {Evidence.Percent(Statistics.Mean(edgeMeans[n.Name]))}/{Evidence.Percent(Statistics.Mean(middleMeans[n.Name]))}"));
        return new ClaimEvidence(seeds, Evidence.None, summary);
    }

    /// <summary>Share of grid points (in or out of the edge band) whose predicted sign differs from the target; points where the target is 0 are skipped.</summary>
    public static double ErrorRate(float[] prediction, double[] target, bool[] edge, bool inBand)
    {
        int wrong = 0, total = 0;
        for (int i = 0; i < target.Length; i++)
        {
            if (edge[i] != inBand || target[i] == 0) continue;
            total++;
            if (Math.Sign(prediction[i]) != Math.Sign(target[i])) wrong++;
        }
        return total == 0 ? 0 : (double)wrong / total;
    }

    private static string Slug(TargetFunction function) => function.ToString().ToLowerInvariant();
}
