using CMLoRA.Engine.Composition;

namespace CMLoRA.Engine.Tests.Composition;

public class DominanceWeightsTests
{
    [Theory]
    // Spec 3.4 table, as exact fractions: w_nondom = N/(2N − 1.5), w_dom = N(N − 0.5)/(2N − 1.5).
    [InlineData(1, 2.0, 1.0, 1.0)]
    [InlineData(2, 0.8, 1.2, 0.6)]
    [InlineData(3, 2.0 / 3, 5.0 / 3, 5.0 / 9)]
    [InlineData(4, 8.0 / 13, 28.0 / 13, 7.0 / 13)]
    [InlineData(5, 10.0 / 17, 45.0 / 17, 9.0 / 17)]
    public void WeightsMatchTheSpecTable(int n, double nonDominant, double dominant, double dominantShare)
    {
        Assert.Equal(nonDominant, DominanceWeights.NonDominant(n), 12);
        Assert.Equal(dominant, DominanceWeights.Dominant(n), 12);
        Assert.Equal(dominantShare, DominanceWeights.DominantShare(n), 12);
        if (n > 1) Assert.Equal(dominant + (n - 1) * nonDominant, n, 12);
    }

    [Fact]
    public void RoundedValuesMatchTheSpecTable()
    {
        Assert.Equal(0.6154, DominanceWeights.NonDominant(4), 4);
        Assert.Equal(2.1538, DominanceWeights.Dominant(4), 4);
        Assert.Equal(0.5882, DominanceWeights.NonDominant(5), 4);
        Assert.Equal(2.6471, DominanceWeights.Dominant(5), 4);
        Assert.Equal(0.538, DominanceWeights.DominantShare(4), 3);
        Assert.Equal(0.154, DominanceWeights.NonDominantShare(4), 3);
        Assert.Equal(0.118, DominanceWeights.NonDominantShare(5), 3);
    }

    [Theory]
    [InlineData(5, 0, 4.5)]
    [InlineData(5, 1, 4.0)]
    [InlineData(5, 2, 3.75)]
    [InlineData(5, 3, 3.625)]
    [InlineData(5, 60, 3.5)]
    [InlineData(3, 1, 2.0)]
    [InlineData(3, 2, 1.75)]
    [InlineData(2, 0, 1.5)]
    [InlineData(2, 1, 1.0)]
    [InlineData(2, 5, 1.0)] // clamped: the unclamped series reaches 0.5 and would invert dominance
    [InlineData(1, 7, 0.5)]
    public void DecayedCoefficientLosesHalfPowersAndStopsAtEqualShares(int n, int turns, double expected)
    {
        Assert.Equal(expected, DominanceWeights.DecayedCoefficient(n, turns), 12);
    }

    [Fact]
    public void EqualSharesAtCoefficientOne()
    {
        Assert.Equal(0.25, DominanceWeights.DominantShare(4, 1.0), 12);
        Assert.Equal(0.25, DominanceWeights.NonDominantShare(4, 1.0), 12);
    }

    [Fact]
    public void InvalidCountsAndCoefficientsAreRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => DominanceWeights.Dominant(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => DominanceWeights.NonDominant(3, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => DominanceWeights.DecayedCoefficient(3, -1));
    }
}
