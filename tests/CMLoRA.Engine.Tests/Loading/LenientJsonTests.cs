using System.Text.Json;
using CMLoRA.Engine.Loading;

namespace CMLoRA.Engine.Tests.Loading;

public class LenientJsonTests
{
    [Fact]
    public void BareNonFiniteLiteralsAreQuotedAndStringsAreLeftAlone()
    {
        const string json = """{"a": -Infinity, "b": "NaN and \"Infinity\"", "c": [NaN, Infinity, 1.5], "NaN": 2}""";
        Assert.Equal(
            """{"a": "-Infinity", "b": "NaN and \"Infinity\"", "c": ["NaN", "Infinity", 1.5], "NaN": 2}""",
            LenientJson.QuoteNonFiniteLiterals(json));
        var parsed = LenientJson.ParseObject(json);
        Assert.Equal(double.NegativeInfinity, parsed["a"].Deserialize<double>(LenientJson.SerializerOptions));
        Assert.True(double.IsNaN(parsed["c"]![0].Deserialize<double>(LenientJson.SerializerOptions)));
        Assert.Equal(2, parsed["NaN"]!.GetValue<int>());
    }

    [Fact]
    public void TheFixtureSchedulerConfigParses()
    {
        var config = LenientJson.ReadObject(Path.Combine(
            RepoPaths.TinyReference, "weights", "diffusers", "scheduler", "scheduler_config.json"));
        Assert.Equal("-Infinity", config["lambda_min_clipped"]!.GetValue<string>());
        Assert.Equal(0.00085, config["beta_start"]!.GetValue<double>());
    }
}
