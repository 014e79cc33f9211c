using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Homework.Models;

/// <summary>
/// M independent copies ("members") of one small network, trained as one: every parameter
/// holds all members' values with the member as its leading index, so one LibTorch call does
/// the work of M. The nets here are so small that a training step is mostly the fixed cost
/// of each LibTorch call (a few µs), so M members cost far less than M separate steps.
/// </summary>
/// <remarks>
/// <para>
/// Members never mix: every operation works per member (a batched matrix product, a grouped
/// convolution, elementwise functions), so member i computes what its own single net would.
/// <see cref="LoadMember"/> and <see cref="ExtractMember"/> move one member's parameters from
/// and to a single net, in the single net's own parameter order and shapes.
/// </para>
/// <para>
/// Layouts: <see cref="nn.Module{T, TResult}.forward"/> takes what <see cref="Gather"/> or
/// <see cref="Broadcast"/> returns (a subclass may prefer the batch index first, as the
/// grouped convolution does) and always returns (M, B, outputs), member first.
/// </para>
/// </remarks>
public abstract class StackedModule : nn.Module<Tensor, Tensor>
{
    protected StackedModule(string name, int members) : base(name)
    {
        if (members < 1) throw new ArgumentOutOfRangeException(nameof(members), members, "A stack needs at least one member.");
        Members = members;
    }

    /// <summary>Number of independent nets in the stack (M).</summary>
    public int Members { get; }

    /// <summary>A fresh single net of the members' architecture (its parameters are whatever its constructor drew).</summary>
    public abstract nn.Module<Tensor, Tensor> CreateSingle();

    private readonly List<(string Name, long[] SingleShape, bool Transposed)> layout = [];
    private Parameter[] stacked = [];

    /// <summary>
    /// Registers the next stacked parameter, in the order of the single net's <c>parameters()</c>:
    /// <paramref name="singleShape"/> is the single net's parameter, and the stacked one holds M of
    /// them (member first in memory), so that <see cref="MemberView"/>(k)[i] is member i's copy.
    /// Its values are zeros until <see cref="InitializeMembers"/> or <see cref="LoadMember"/> fills them.
    /// </summary>
    /// <param name="name">Registered name.</param>
    /// <param name="stackedShape">Shape of the stacked tensor.</param>
    /// <param name="singleShape">Shape of the single net's parameter.</param>
    /// <param name="transposed">Each member's slice holds the transpose of the single net's 2-D parameter.</param>
    /// <returns>The index to pass to <see cref="Stacked"/>.</returns>
    protected int AddParameter(string name, long[] stackedShape, long[] singleShape, bool transposed = false)
    {
        if (stackedShape.Aggregate(1L, (a, b) => a * b) != Members * singleShape.Aggregate(1L, (a, b) => a * b))
            throw new ArgumentException($"Parameter {name}: [{string.Join(", ", stackedShape)}] does not hold {Members} x [{string.Join(", ", singleShape)}].");
        // Detached from any dispose scope the caller is in: the parameter lives as long as the module.
        var parameter = new Parameter(zeros(stackedShape).DetachFromDisposeScope());
        register_parameter(name, parameter);
        layout.Add((name, singleShape, transposed));
        stacked = [.. stacked, parameter];
        return layout.Count - 1;
    }

    /// <summary>The k-th stacked parameter (as registered by <see cref="AddParameter"/>).</summary>
    protected Parameter Stacked(int k) => stacked[k];

    /// <summary>
    /// Registers a linear layer (in -> out) of every member, in <c>nn.Linear</c>'s parameter order
    /// (weight, bias). With one member it keeps <c>nn.Linear</c>'s layout, weight (1, out, in) and
    /// bias (1, out), for <see cref="StackedOps.SingleLinear"/>; with more, weightᵀ (M, in, out) and
    /// bias (M, 1, out), for <see cref="StackedOps.BatchedLinear"/>.
    /// </summary>
    /// <remarks>
    /// <paramref name="featureMajor"/> (with more than one member): weight (M, out, in) and bias
    /// (M, out, 1) instead, for <see cref="FeatureMajorLinear"/>.
    /// </remarks>
    protected (int Weight, int Bias) AddLinear(string name, int inputs, int outputs, bool featureMajor = false)
    {
        int m = Members;
        if (m == 1)
            return (AddParameter($"{name}_weight", [1, outputs, inputs], [outputs, inputs]),
                    AddParameter($"{name}_bias", [1, outputs], [outputs]));
        return featureMajor
            ? (AddParameter($"{name}_weight", [m, outputs, inputs], [outputs, inputs]),
               AddParameter($"{name}_bias", [m, outputs, 1], [outputs]))
            : (AddParameter($"{name}_weight", [m, inputs, outputs], [outputs, inputs], transposed: true),
               AddParameter($"{name}_bias", [m, 1, outputs], [outputs]));
    }

    /// <summary>A linear layer registered by <see cref="AddLinear"/>: x (M, B, in) -> (M, B, out).</summary>
    protected Tensor Linear(Tensor x, (int Weight, int Bias) layer) => Members == 1
        ? StackedOps.SingleLinear(x, stacked[layer.Weight], stacked[layer.Bias])
        : StackedOps.BatchedLinear(x, stacked[layer.Weight], stacked[layer.Bias]);

    /// <summary>
    /// A linear layer registered by <see cref="AddLinear"/> with <c>featureMajor</c>, on features
    /// first: x (M, in, B) -> (M, out, B), member m computing weight[m] · x[m] + bias[m].
    /// </summary>
    protected Tensor FeatureMajorLinear(Tensor x, (int Weight, int Bias) layer) =>
        StackedOps.AddBatchProduct(stacked[layer.Bias], stacked[layer.Weight], x);

    /// <summary>
    /// <c>Module.to(dtype)</c> replaces every registered parameter by a converted copy (TorchSharp
    /// then updates only fields named like the parameter); this picks up the new ones.
    /// </summary>
    protected override void _toEpilog(ScalarType? dtype, Device? device, bool non_blocking)
    {
        base._toEpilog(dtype, device, non_blocking);
        var byName = named_parameters(false).ToDictionary(p => p.name, p => p.parameter);
        stacked = [.. layout.Select(entry => byName[entry.Name])];
    }

    /// <summary>
    /// Every member's batch from the rows of <paramref name="source"/> (N, ...) at
    /// <paramref name="indices"/> (M, B), in this module's input layout.
    /// </summary>
    public abstract Tensor Gather(Tensor source, Tensor indices);

    /// <summary>The same rows <paramref name="source"/> (B, ...) for every member, in this module's input layout.</summary>
    public abstract Tensor Broadcast(Tensor source);

    /// <summary>A view of the k-th stacked parameter as (M, single shape...).</summary>
    public Tensor MemberView(int k)
    {
        var (_, shape, transposed) = layout[k];
        if (!transposed) return stacked[k].view([Members, .. shape]);
        using var members = stacked[k].view(Members, shape[1], shape[0]);
        return members.transpose(1, 2);
    }

    /// <summary>Parameters of one member: what <c>CreateSingle().ParameterCount()</c> counts.</summary>
    public long ParametersPerMember => stacked.Sum(p => p.numel()) / Members;

    /// <summary>
    /// Member <paramref name="member"/>'s parameters as views in the single net's order and shapes
    /// (<c>CreateSingle().parameters()</c>), e.g. to record its weights; a transposed layout is
    /// viewed back, so flattening one gives the single net's order of values.
    /// </summary>
    public IReadOnlyList<Tensor> MemberParameters(int member)
    {
        CheckMember(member);
        var views = new List<Tensor>(layout.Count);
        for (int k = 0; k < layout.Count; k++)
        {
            using var all = MemberView(k);
            views.Add(all[member]);
        }
        return views;
    }

    /// <summary>
    /// Each member's gradient norm ‖∇θᵢ‖₂ over all its parameters' current gradients, (M), as the
    /// gradient-norm experiment measures one net's after every backward pass. Parameters without
    /// a gradient count as zero.
    /// </summary>
    public Tensor MemberGradientNorms()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var squares = stacked
            .Select(p => p.grad)
            .OfType<Tensor>()
            .Select(g => g.reshape(Members, -1).mul(g.reshape(Members, -1)).sum(1)) // (M) each
            .ToList();
        var total = squares.Count == 0 ? zeros(Members, dtype: stacked[0].dtype) : stack(squares, 1).sum(1);
        return total.sqrt().MoveToOuterDisposeScope();
    }

    /// <summary>Copies a single net's parameters into member <paramref name="member"/>.</summary>
    public void LoadMember(int member, nn.Module single)
    {
        CheckMember(member);
        using var noGrad = no_grad();
        var parameters = single.parameters().ToList();
        CheckShapes(parameters);
        for (int k = 0; k < parameters.Count; k++)
        {
            using var view = MemberView(k);
            using var slot = view[member];
            slot.copy_(parameters[k]);
        }
    }

    /// <summary>Copies member <paramref name="member"/>'s parameters into a single net of the same architecture.</summary>
    public void CopyMemberTo(int member, nn.Module single)
    {
        CheckMember(member);
        using var noGrad = no_grad();
        var parameters = single.parameters().ToList();
        CheckShapes(parameters);
        for (int k = 0; k < parameters.Count; k++)
        {
            using var view = MemberView(k);
            using var slot = view[member];
            parameters[k].copy_(slot);
        }
    }

    /// <summary>Member <paramref name="member"/> as a single net of the stack's dtype (a copy; the caller disposes it).</summary>
    public nn.Module<Tensor, Tensor> ExtractMember(int member)
    {
        var single = CreateSingle();
        single.to(stacked[0].dtype);
        CopyMemberTo(member, single);
        return single;
    }

    /// <summary>
    /// Initialises member i exactly as <c>CreateSingle().InitializeWith(generators[i])</c> would
    /// initialise a single net: same draws, same order, from that member's own generator, so a
    /// stacked training starts where the single trainings would, and each generator is left in
    /// the state the single training would leave it (for its shuffles).
    /// </summary>
    public StackedModule InitializeMembers(IReadOnlyList<Generator> generators)
    {
        if (generators.Count != Members)
            throw new ArgumentException($"One generator per member: {Members} members, {generators.Count} generators.", nameof(generators));
        for (int i = 0; i < Members; i++)
        {
            using var single = CreateSingle().InitializeWith(generators[i]);
            LoadMember(i, single);
        }
        return this;
    }

    private void CheckMember(int member)
    {
        if (member < 0 || member >= Members)
            throw new ArgumentOutOfRangeException(nameof(member), member, $"The stack has members 0 to {Members - 1}.");
    }

    private void CheckShapes(IReadOnlyList<Parameter> single)
    {
        if (single.Count != layout.Count)
            throw new ArgumentException($"The single net has {single.Count} parameter tensors; a member of this stack has {layout.Count}.");
        for (int k = 0; k < single.Count; k++)
        {
            if (!single[k].shape.SequenceEqual(layout[k].SingleShape))
                throw new ArgumentException(
                    $"Parameter {k} of the single net has shape [{string.Join(", ", single[k].shape)}]; a member's has [{string.Join(", ", layout[k].SingleShape)}].");
        }
    }
}
