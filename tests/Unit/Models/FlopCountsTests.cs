using Homework.Models;

namespace Homework.Tests.Unit.Models;

/// <summary>The FLOP counts behind the benchmarks' GFLOP/s, against hand counts.</summary>
public sealed class FlopCountsTests
{
    [Fact]
    public void Cnn_multiply_adds_match_the_hand_count()
    {
        // conv1 24·24·4·25 = 57,600; conv2 8·8·8·4·25 = 51,200; fc1 128·32 = 4,096; fc2 32·10 = 320.
        FlopCounts.CnnMultiplyAdds(new CnnWidths(4, 8, 32)).Should().Be(113_216);
        // conv1 115,200; conv2 8·8·16·8·25 = 204,800; fc1 256·64 = 16,384; fc2 640.
        FlopCounts.CnnMultiplyAdds(new CnnWidths(8, 16, 64)).Should().Be(337_024);
    }

    [Fact]
    public void Mlp_multiply_adds_are_the_weights()
    {
        FlopCounts.MlpMultiplyAdds([784, 20, 30, 10]).Should().Be(784 * 20 + 20 * 30 + 30 * 10);
        FlopCounts.MlpMultiplyAdds([1, 4, 8, 1]).Should().Be(4 + 32 + 8);
    }

    [Fact]
    public void A_training_step_is_six_flops_per_multiply_add_and_sample()
    {
        // The estimate: the CNN steps are about 7 and 20 MFLOP at batch 10.
        FlopCounts.TrainingStep(FlopCounts.CnnMultiplyAdds(new CnnWidths(4, 8, 32)), 10).Should().BeApproximately(6.8e6, 0.1e6);
        FlopCounts.TrainingStep(FlopCounts.CnnMultiplyAdds(new CnnWidths(8, 16, 64)), 10).Should().BeApproximately(20.2e6, 0.1e6);
    }
}
