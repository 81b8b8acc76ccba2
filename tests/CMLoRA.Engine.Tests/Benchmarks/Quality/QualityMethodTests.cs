using CMLoRA.Engine.Benchmarks.Quality;
using CMLoRA.Engine.Composition;
using CMLoRA.Engine.Composition.FeatureCache;
using CMLoRA.Engine.Composition.Schedules;

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
    public void VariantsRunCmLoraOncePerVariantInPlaceOfTheDefaultRow()
    {
        var methods = QualityMethod.Parse("none,cmlora,composite", null, "c3:dom=3,nondom=6;rev:order=reverse");
        Assert.Equal(new[] { "none", "cmlora:c3", "cmlora:rev", "composite" }, methods.Select(m => m.Label));
        Assert.Equal(new CmLoraOptions { DominantRefresh = RefreshSpec.Uniform(3), NonDominantRefresh = RefreshSpec.Uniform(6) }, methods[1].Options);
        Assert.Equal(DominanceOrder.Reverse, methods[2].Variant!.Order);
        Assert.Equal(FeatureCachePoint.Default, methods[2].CachePoint);
        Assert.Null(methods[0].Variant);
        Assert.Null(methods[3].Options);
    }

    // Cache points are variants at the default options; they keep their historical labels so old folders resume.
    [Fact]
    public void CachePointsAreDefaultVariantsAtAnotherCut()
    {
        var methods = QualityMethod.Parse("cmlora", "0,0");
        Assert.Equal(CmLoraVariant.AtCachePoint(new FeatureCachePoint(0, 0)), methods.Single().Variant);
        Assert.Equal(CmLoraVariant.Default, new QualityMethod(CompositionMethod.CmLora).Variant);
        Assert.Equal("a CMLoRA variant cannot run Merge (Parameter 'variant')",
            Assert.Throws<ArgumentException>(() => new QualityMethod(CompositionMethod.Merge, CmLoraVariant.Default)).Message);
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

    [Theory]
    [InlineData("merge,none", null, "a:dom=3", "CMLoRA variants were given but cmlora is not among the methods")]
    [InlineData("cmlora", "0,0", "a:dom=3", "give --cmlora-cache-points or --cmlora-variants, not both (a variant sets its cut with cut=BLOCK.LAYER)")]
    [InlineData("cmlora,cmlora", null, "a:dom=3", "method 'cmlora:a' is listed twice")]
    [InlineData("cmlora", null, "a:dom=three", "variant 'a': dom=three is not a refresh schedule; use an interval ≥ 1 (4), q<interval>@<centre>[^<power>] (q4@0.5) or piecewise")]
    public void BadVariantListsAreRefusedWithPlainMessages(string methods, string? points, string variants, string message) =>
        Assert.Equal(message, Assert.Throws<ArgumentException>(() => QualityMethod.Parse(methods, points, variants)).Message);
}
