using CMLoRA.Engine.Benchmarks.Quality;
using CMLoRA.Engine.Composition;
using CMLoRA.Engine.Composition.FeatureCache;
using CMLoRA.Engine.Composition.Schedules;

namespace CMLoRA.Engine.Tests.Benchmarks.Quality;

public class CmLoraVariantSyntaxTests
{
    private const string Defaults = "dom=2,nondom=4,maxage=8,phase=0.55,decay=off,cache=on,batch=on,order=category,cut=0.1";

    [Fact]
    public void EveryKeyMapsOntoItsOption()
    {
        var variants = CmLoraVariantSyntax.ParseList(
            "c2n4:dom=2,nondom=4,maxage=6,phase=0.55,cut=0.0; nocache:cache=off ;p35:phase=0.35;decay:decay=on;order-rev:order=reverse;" +
            "quad: dom=3 , nondom=q4@0.5;quadp:nondom=q5@0.25^1.6,batch=off;pw:dom=piecewise;base");

        Assert.Equal(new[] { "cmlora:c2n4", "cmlora:nocache", "cmlora:p35", "cmlora:decay", "cmlora:order-rev", "cmlora:quad", "cmlora:quadp", "cmlora:pw", "cmlora:base" },
            variants.Select(v => v.Label));
        var c2n4 = variants[0];
        Assert.Equal(new CmLoraOptions { DominantRefresh = RefreshSpec.Uniform(2), NonDominantRefresh = RefreshSpec.Uniform(4), MaxAge = 6, LatePhaseStart = 0.55 },
            c2n4.Options);
        Assert.Equal((new FeatureCachePoint(0, 0), DominanceOrder.Category), (c2n4.CachePoint, c2n4.Order));
        Assert.False(variants[1].Options.UseCache);
        Assert.Equal(0.35, variants[2].Options.LatePhaseStart);
        Assert.True(variants[3].Options.DecayDominantWeight);
        Assert.Equal(DominanceOrder.Reverse, variants[4].Order);
        Assert.Equal(new CmLoraOptions { DominantRefresh = RefreshSpec.Uniform(3), NonDominantRefresh = RefreshSpec.Quadratic(4, 0.5) }, variants[5].Options);
        Assert.Equal(new CmLoraOptions { NonDominantRefresh = RefreshSpec.Quadratic(5, 0.25, 1.6), BatchAdapters = false }, variants[6].Options);
        Assert.Equal(RefreshSpec.Piecewise(), variants[7].Options.DominantRefresh);
        // No settings: CMLoRA's defaults, the same row as plain cmlora under another label.
        Assert.Equal(CmLoraVariant.Default with { Label = "cmlora:base" }, variants[8]);

        Assert.Equal(new[]
        {
            "dom=2,nondom=4,maxage=6,phase=0.55,decay=off,cache=on,batch=on,order=category,cut=0.0",
            "dom=2,nondom=4,maxage=8,phase=0.55,decay=off,cache=off,batch=on,order=category,cut=0.1",
            "dom=2,nondom=4,maxage=8,phase=0.35,decay=off,cache=on,batch=on,order=category,cut=0.1",
            "dom=2,nondom=4,maxage=8,phase=0.55,decay=on,cache=on,batch=on,order=category,cut=0.1",
            "dom=2,nondom=4,maxage=8,phase=0.55,decay=off,cache=on,batch=on,order=reverse,cut=0.1",
            "dom=3,nondom=q4@0.5^1.4,maxage=8,phase=0.55,decay=off,cache=on,batch=on,order=category,cut=0.1",
            "dom=2,nondom=q5@0.25^1.6,maxage=8,phase=0.55,decay=off,cache=on,batch=off,order=category,cut=0.1",
            "dom=piecewise,nondom=4,maxage=8,phase=0.55,decay=off,cache=on,batch=on,order=category,cut=0.1",
            Defaults,
        }, variants.Select(v => v.Definition));
        // A definition reads back into the same row.
        Assert.All(variants, v => Assert.Equal(v, CmLoraVariantSyntax.FromDefinition(v.Label, v.Definition)));
    }

    [Fact]
    public void TheDefaultRowsSpellOutCmLorasDefaults()
    {
        Assert.Equal(Defaults, CmLoraVariant.Default.Definition);
        Assert.Equal("cmlora", CmLoraVariant.Default.Label);
        var point = CmLoraVariant.AtCachePoint(new FeatureCachePoint(1, 2));
        Assert.Equal(("cmlora-1-2", Defaults.Replace("cut=0.1", "cut=1.2")), (point.Label, point.Definition));
    }

    // Every key moves the definition and the options record away from the defaults and from each other, so no two
    // rows can share a label's images by accident and a changed key is always seen on resume.
    [Fact]
    public void EachKeyGivesADistinctRecord()
    {
        string[] settings = ["dom=3", "nondom=5", "maxage=3", "phase=0.4", "decay=on", "cache=off", "batch=off", "order=reverse", "cut=0.0"];
        Assert.Equal(CmLoraVariantSyntax.Keys, settings.Select(s => s[..s.IndexOf('=')]));
        var variants = CmLoraVariantSyntax.ParseList(string.Join(";", settings.Select((s, i) => $"v{i}:{s}")));
        var all = variants.Append(CmLoraVariant.Default with { Label = "cmlora:defaults" }).ToArray();
        Assert.Equal(all.Length, all.Select(v => v.Definition).Distinct().Count());
        Assert.Equal(all.Length, all.Select(v => (v.Options, v.CachePoint, v.Order)).Distinct().Count());
    }

    // A new CmLoraOptions property must get a key (and a place in Definition), or resuming could mix its values.
    [Fact]
    public void TheGrammarCoversEveryCmLoraOption()
    {
        var properties = typeof(CmLoraOptions).GetProperties().Select(p => p.Name).Where(n => n != nameof(CmLoraOptions.Method)).Order();
        Assert.Equal(new[] { "BatchAdapters", "DecayDominantWeight", "DominantRefresh", "LatePhaseStart", "MaxAge", "NonDominantRefresh", "Ordering", "UseCache" },
            properties);
        // Ordering holds only the low-frequency threshold, which needs profiled LoRAs; the demo LoRAs have none.
        Assert.Equal(new[] { "LowFrequencyThreshold" }, typeof(CMLoRA.Engine.Profiling.LoraOrderingOptions).GetProperties().Select(p => p.Name));
        var error = Assert.Throws<ArgumentException>(() =>
            CmLoraVariantSyntax.Format(new CmLoraOptions { Ordering = new() { LowFrequencyThreshold = 0.3 } }, FeatureCachePoint.Default, DominanceOrder.Category));
        Assert.Equal("the quality benchmark's LoRAs carry no frequency profile, so a low-frequency threshold cannot be compared", error.Message);
    }

    [Theory]
    [InlineData("", null)]
    [InlineData(" ; ", "--cmlora-variants: no variants given")]
    [InlineData("C2:dom=2", "variant name 'C2' must be 1 to 20 lower-case letters, digits or '-', starting with a letter or digit (e.g. c2n4)")]
    [InlineData(":dom=2", "variant name '' must be 1 to 20 lower-case letters, digits or '-', starting with a letter or digit (e.g. c2n4)")]
    [InlineData("a_b", "variant name 'a_b' must be 1 to 20 lower-case letters, digits or '-', starting with a letter or digit (e.g. c2n4)")]
    [InlineData("abcdefghijklmnopqrstu", "variant name 'abcdefghijklmnopqrstu' must be 1 to 20 lower-case letters, digits or '-', starting with a letter or digit (e.g. c2n4)")]
    [InlineData("a:dom=2;a:dom=3", "variant 'a' is listed twice")]
    [InlineData("a:dom=2;b:dom=2,nondom=4", "variants 'a' and 'b' have the same settings (" + Defaults + ")")]
    [InlineData("a:dom", "variant 'a': 'dom' is not KEY=VALUE")]
    [InlineData("a:cut=0,1", "variant 'a': cut=0 must be BLOCK.LAYER (e.g. 0.1 or 0.0)")]
    [InlineData("a:interval=2", "variant 'a': unknown key 'interval'; use dom, nondom, maxage, phase, decay, cache, batch, order or cut")]
    [InlineData("a:DOM=2", "variant 'a': unknown key 'DOM'; use dom, nondom, maxage, phase, decay, cache, batch, order or cut")]
    [InlineData("a:dom=2,dom=3", "variant 'a': 'dom' is set twice")]
    [InlineData("a:dom=0", "variant 'a': dom=0 is not a refresh schedule; use an interval ≥ 1 (4), q<interval>@<centre>[^<power>] (q4@0.5) or piecewise")]
    [InlineData("a:nondom=often", "variant 'a': nondom=often is not a refresh schedule; use an interval ≥ 1 (4), q<interval>@<centre>[^<power>] (q4@0.5) or piecewise")]
    [InlineData("a:nondom=q4", "variant 'a': nondom=q4 is not a refresh schedule; use an interval ≥ 1 (4), q<interval>@<centre>[^<power>] (q4@0.5) or piecewise")]
    [InlineData("a:nondom=q0@0.5", "variant 'a': nondom=q0@0.5 is not a refresh schedule; use an interval ≥ 1 (4), q<interval>@<centre>[^<power>] (q4@0.5) or piecewise")]
    [InlineData("a:nondom=q4@1.5", "variant 'a': nondom=q4@1.5 has its centre outside [0, 1]")]
    [InlineData("a:nondom=q4@0.5^1", "variant 'a': nondom=q4@0.5^1 has a power not greater than 1")]
    [InlineData("a:maxage=0", "variant 'a': maxage=0 must be a whole number of steps ≥ 1")]
    [InlineData("a:maxage=2.5", "variant 'a': maxage=2.5 must be a whole number of steps ≥ 1")]
    [InlineData("a:phase=1.5", "variant 'a': phase=1.5 must be a fraction of the run in [0, 1]")]
    [InlineData("a:phase=-0.1", "variant 'a': phase=-0.1 must be a fraction of the run in [0, 1]")]
    [InlineData("a:phase=NaN", "variant 'a': phase=NaN must be a fraction of the run in [0, 1]")]
    [InlineData("a:decay=yes", "variant 'a': decay=yes must be on or off")]
    [InlineData("a:cache=", "variant 'a': cache= must be on or off")]
    [InlineData("a:batch=true", "variant 'a': batch=true must be on or off")]
    [InlineData("a:order=random", "variant 'a': order=random must be category or reverse")]
    [InlineData("a:cut=0-1", "variant 'a': cut=0-1 must be BLOCK.LAYER (e.g. 0.1 or 0.0)")]
    public void BadVariantsAreRefusedNamingTheKeyAndValue(string text, string? message)
    {
        if (message is null)
        {
            Assert.Empty(CmLoraVariantSyntax.ParseList(text));
            return;
        }
        Assert.Equal(message, Assert.Throws<ArgumentException>(() => CmLoraVariantSyntax.ParseList(text)).Message);
    }
}
