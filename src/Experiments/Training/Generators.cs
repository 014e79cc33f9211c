using TorchSharp;

namespace Homework.Experiments.Training;

/// <summary>
/// The generators of a stack's members, one per training, each seeded as that training's own
/// generator is (<see cref="Core.Seeds.Derive"/>), disposed together.
/// </summary>
public sealed class Generators : IDisposable
{
    private readonly torch.Generator[] items;

    public Generators(IEnumerable<ulong> seeds) => items = [.. seeds.Select(seed => new torch.Generator(seed))];

    /// <summary>Member i's generator.</summary>
    public torch.Generator this[int member] => items[member];

    public int Count => items.Length;

    /// <summary>All of them, in member order (for <see cref="StackedTrainer.Fit"/> and <c>InitializeMembers</c>).</summary>
    public IReadOnlyList<torch.Generator> All => items;

    public void Dispose()
    {
        foreach (var generator in items) generator.Dispose();
    }
}
