using Homework.Experiments.Core;

namespace Homework.Tests.Unit.Core;

public sealed class ProfileTests
{
    [Theory]
    [InlineData("quick", Profile.Quick)]
    [InlineData("FULL", Profile.Full)]
    [InlineData(" full ", Profile.Full)]
    public void Profiles_parse_from_their_names(string text, Profile expected) => Profiles.Parse(text).Should().Be(expected);

    [Fact]
    public void An_unknown_profile_lists_the_valid_ones()
    {
        FluentActions.Invoking(() => Profiles.Parse("fast"))
            .Should().Throw<UsageException>().WithMessage("Unknown profile 'fast'. Valid profiles: quick, full.");
    }
}
