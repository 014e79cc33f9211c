using Homework.Experiments.Core;
using TorchSharp;
using static TorchSharp.torch;

namespace Homework.Experiments.Analysis;

/// <summary>Gradients and Hessians of a scalar loss with respect to a module's parameters.</summary>
public static class Hessian
{
    /// <summary>The gradient of <paramref name="loss"/> as one flat vector, keeping its graph for a second derivative.</summary>
    public static Tensor FlatGradient(Tensor loss, IReadOnlyList<Tensor> parameters, bool createGraph)
    {
        // retain_graph and create_graph together: a second backward through a graph that
        // was not retained can end the process from native code instead of throwing.
        var grads = autograd.grad([loss], parameters.ToList(), retain_graph: true, create_graph: createGraph);
        return cat(grads.Select(g => g.flatten()).ToList(), 0);
    }

    /// <summary>
    /// The exact Hessian (P x P) of <paramref name="loss"/>, row by row: row i is the gradient of
    /// the i-th component of the gradient (double backward). Symmetrised to remove round-off.
    /// </summary>
    public static Tensor Of(Tensor loss, IReadOnlyList<Tensor> parameters)
    {
        using var scope = NewDisposeScope();
        var gradient = FlatGradient(loss, parameters, createGraph: true);
        long p = gradient.shape[0];
        var rows = new List<Tensor>((int)p);
        for (long i = 0; i < p; i++)
        {
            var second = autograd.grad([gradient[i]], parameters.ToList(), retain_graph: true, allow_unused: true);
            rows.Add(cat(second.Select((g, k) => (g is null || g.IsInvalid ? zeros_like(parameters[k]) : g).flatten()).ToList(), 0).detach());
        }
        var h = stack(rows, 0);
        return h.Plus(h.T).DividedBy(2).MoveToOuterDisposeScope();
    }

    /// <summary>Sorted eigenvalues of a symmetric matrix.</summary>
    public static double[] Eigenvalues(Tensor symmetric)
    {
        using var scope = NewDisposeScope();
        return linalg.eigvalsh(symmetric.to(float64)).data<double>().ToArray();
    }
}
