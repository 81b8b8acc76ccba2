using CMLoRA.Engine.Benchmarks.Quality;
using CMLoRA.Engine.Composition;
using CMLoRA.Engine.Composition.FeatureCache;

namespace CMLoRA.Engine.Tests.Benchmarks.Quality;

public class QualityMethodTests
{
    [Fact]
    public void CachePointsRunCmLoraOncePerCut()
    {
        var methods = QualityMethod.Parse("none, merge,cmlora,composite", "0,1; 0,0");
        Assert.Equal(new[] { "none", "merge", "cmlora-0-1", "cmlora-0-0", "composite" }, methods.Select(m => m.Label));
        Assert.Equal(new FeatureCachePoint(0, 0), methods[3].CachePoint);
        Assert.IsType<CmLoraOptions>(methods[2].Options);
        Assert.Null(methods[4].Options);
    }

    [Fact]
    public void TheDefaultsAreTheFourMethodsAndTheBaseline() =>
        Assert.Equal(new[] { "none", "merge", "switch", "composite", "cmlora" }, QualityMethod.Parse("none,merge,switch,composite,cmlora").Select(m => m.Label));

    [Theory]
    [InlineData("none,blend", null, "unknown method 'blend': use none, merge, switch, composite or cmlora")]
    [InlineData("merge,merge", null, "method 'merge' is listed twice")]
    [InlineData("merge", "0,1", "cache points were given but cmlora is not among the methods")]
    [InlineData("cmlora", "0;1", "cache point '0' is not BLOCK,LAYER (e.g. 0,1)")]
    [InlineData("cmlora", "0,1;0,1", "method 'cmlora-0-1' is listed twice")]
    public void BadListsAreRefusedWithPlainMessages(string methods, string? points, string message) =>
        Assert.Equal(message, Assert.Throws<ArgumentException>(() => QualityMethod.Parse(methods, points)).Message);
}
