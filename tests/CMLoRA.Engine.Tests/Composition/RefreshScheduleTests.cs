using CMLoRA.Engine.Composition.Schedules;

namespace CMLoRA.Engine.Tests.Composition;

public class RefreshScheduleTests
{
    [Fact]
    public void UniformRefreshesEveryIntervalFromStepZero()
    {
        Assert.Equal([0, 3, 6, 9], RefreshSchedule.Uniform(10, 3));
        Assert.Equal([0, 1, 2, 3], RefreshSchedule.Uniform(4, 1));
        Assert.Equal([0], RefreshSchedule.Uniform(5, 100));
    }

    [Theory]
    // Spec 4.3 table: sizes of the three ranges of the "interval 0" set.
    [InlineData(220, 41, 37, 14, 80, 82, 190, 192, 218)]
    [InlineData(200, 38, 34, 13, 74, 75, 174, 175, 199)]
    [InlineData(100, 19, 17, 7, 36, 37, 85, 87, 99)]
    public void PiecewiseMatchesTheSpecRangeSizes(int steps, int first, int middle, int last,
        int firstEnd, int middleStart, int middleEnd, int lastStart, int lastEnd)
    {
        var set = RefreshSchedule.Piecewise(steps);
        int a = (int)(0.375 * steps), b = (int)(0.875 * steps);
        Assert.Equal(first, set.Count(s => s < a));
        Assert.Equal(middle, set.Count(s => s >= a && s < b));
        Assert.Equal(last, set.Count(s => s >= b));
        Assert.Equal(first + middle + last, set.Count);
        Assert.Equal(firstEnd, set.Where(s => s < a).Max());
        Assert.Equal(middleStart, set.Where(s => s >= a).Min());
        Assert.Equal(middleEnd, set.Where(s => s < b).Max());
        Assert.Equal(lastStart, set.Where(s => s >= b).Min());
        Assert.Equal(lastEnd, set.Max());
    }

    [Fact]
    public void PiecewiseForTwentyStepsIsWrittenOut()
    {
        // ⌊0.375·20⌋ = 7, ⌊0.875·20⌋ = 17: evens below 7, then 7, 10, 13, 16, then 17, 19.
        Assert.Equal([0, 2, 4, 6, 7, 10, 13, 16, 17, 19], RefreshSchedule.Piecewise(20));
    }

    [Fact]
    public void QuadraticMatchesTheSpecVectorForFiftyStepsIntervalFive()
    {
        var set = RefreshSchedule.QuadraticCentred(50, RefreshSchedule.QuadraticCount(50, 5), 15, 1.4);
        Assert.Equal([0, 5, 9, 13, 17, 21, 26, 31, 37, 43], set.Steps);
        Assert.Equal(1.4, set.Power);
    }

    [Fact]
    public void QuadraticMatchesTheSpecVectorForFiftyStepsIntervalThree()
    {
        var set = RefreshSchedule.QuadraticCentred(50, RefreshSchedule.QuadraticCount(50, 3), 15, 1.4);
        Assert.Equal(17, RefreshSchedule.QuadraticCount(50, 3));
        Assert.Equal([0, 3, 6, 8, 11, 13, 15, 17, 20, 22, 25, 28, 32, 35, 38, 42, 46], set.Steps);
        Assert.Equal(1.4, set.Power);
    }

    [Fact]
    public void QuadraticMatchesTheSpecVectorForTwoHundredTwentySteps()
    {
        var set = RefreshSchedule.QuadraticCentred(220, RefreshSchedule.QuadraticCount(220, 5), 110, 1.4);
        Assert.Equal(
            [0, 6, 12, 17, 23, 28, 33, 39, 44, 49, 54, 59, 64, 69, 74, 78, 83, 88, 92, 97, 101, 106, 110, 114, 119, 123,
             128, 132, 137, 142, 146, 151, 156, 161, 166, 171, 176, 181, 187, 192, 197, 203, 208, 214],
            set.Steps);
        Assert.Equal(1.4, set.Power);
    }

    [Fact]
    public void QuadraticSpecResolvesTheCentreAsAFractionOfTheRun()
    {
        var spec = RefreshSpec.Quadratic(5, 0.3);
        Assert.Equal(15, spec.CenterStep(50));
        Assert.Equal([0, 5, 9, 13, 17, 21, 26, 31, 37, 43], spec.Steps(50));
        Assert.Equal(110, RefreshSpec.Quadratic(5, 0.5).CenterStep(220));
    }

    [Fact]
    public void QuadraticIsDenserNearItsCentre()
    {
        var steps = RefreshSchedule.QuadraticCentred(220, 44, 110, 1.4).Steps;
        var gaps = steps.Zip(steps.Skip(1), (a, b) => b - a).ToList();
        int nearCentre = gaps[steps.ToList().IndexOf(110)];
        Assert.True(nearCentre < gaps[1] && nearCentre < gaps[^1], string.Join(",", gaps));
    }

    [Fact]
    public void QuadraticWithoutASuitablePowerSaysWhatToChange()
    {
        // Asking for a refresh at every step cannot be met by any power above 1.
        var error = Assert.Throws<ArgumentException>(() => RefreshSchedule.QuadraticCentred(20, 20, 10, 1.4));
        Assert.StartsWith("No power in (1, 1.4] gives 20 distinct refresh steps centred on step 10 of 20", error.Message);
    }

    [Fact]
    public void MaxAgeFillsLongGapsAndTheTail()
    {
        Assert.Equal([0, 4, 8, 10, 14, 18], RefreshSchedule.WithMaxAge([0, 10], 20, 4));
        Assert.Equal([0, 3, 6, 9], RefreshSchedule.WithMaxAge([0], 10, 3));
        Assert.Equal([0, 2, 5], RefreshSchedule.WithMaxAge([2, 5], 6, 3));
    }

    [Fact]
    public void MaxAgeLeavesDenseSetsAlone()
    {
        var uniform = RefreshSchedule.Uniform(30, 2);
        Assert.Equal(uniform, RefreshSchedule.WithMaxAge(uniform, 30, 2));
    }

    [Fact]
    public void InvalidArgumentsAreRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => RefreshSchedule.Uniform(0, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => RefreshSchedule.Uniform(10, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => RefreshSpec.Uniform(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => RefreshSpec.Quadratic(2, 1.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => RefreshSpec.Quadratic(2, 0.5, 1.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => RefreshSchedule.WithMaxAge([0], 10, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => RefreshSchedule.WithMaxAge([12], 10, 3));
    }
}
