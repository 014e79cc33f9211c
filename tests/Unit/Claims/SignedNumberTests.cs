using Homework.Experiments.Claims;

namespace Homework.Tests.Unit.Claims;

/// <summary>The signed numbers of the claims' summary lines.</summary>
public sealed class SignedNumberTests
{
    [Theory]
    [InlineData(1.234, "+0.0;-0.0", "+1.2")]
    [InlineData(-1.234, "+0.0;-0.0", "-1.2")]
    [InlineData(0.0, "+0.0;-0.0", "+0.0")]
    [InlineData(0.04, "+0.0;-0.0", "+0.0")]
    [InlineData(-0.04, "+0.0;-0.0", "-0.0")] // .NET's own formatting gives "-+0.0"
    [InlineData(-0.0, "+0.0;-0.0", "-0.0")]
    [InlineData(-0.004, "+0.00;-0.00", "-0.00")]
    [InlineData(-0.006, "+0.00;-0.00", "-0.01")]
    public void A_value_gets_one_sign_even_when_it_rounds_to_zero(double value, string format, string expected) =>
        Evidence.Signed(value, format).Should().Be(expected);
}
