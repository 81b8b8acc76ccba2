using System.Text.Json.Nodes;
using CMLoRA.Engine.Composition;
using CMLoRA.Engine.Composition.Schedules;
using CMLoRA.Engine.Recipes;

namespace CMLoRA.Engine.Tests.Recipes;

public class RecipeJsonTests
{
    [Fact]
    public void RoundTripKeepsEveryValue()
    {
        var recipe = RecipeSamples.TwoLoras();
        string json = RecipeJson.Serialize(recipe);
        var back = RecipeJson.Parse(json);
        Assert.Equal(json, RecipeJson.Serialize(back));
        Assert.Equal(recipe.Options, back.Options);
        Assert.Equal(recipe.Model, back.Model);
        Assert.Equal(recipe.Loras, back.Loras);
        Assert.Equal(recipe.Runtime, back.Runtime);
        Assert.Equal(recipe.Stats, back.Stats);
        Assert.Equal(3141592653L, back.Seed);
    }

    [Fact]
    public void JsonUsesTheDocumentedSpelling()
    {
        var node = JsonNode.Parse(RecipeJson.Serialize(RecipeSamples.TwoLoras()))!;
        Assert.Equal(1, (int)node["schema"]!);
        Assert.Equal("cmlora", (string)node["method"]!);
        Assert.Equal("cmlora", (string)node["options"]!["method"]!);
        Assert.Equal("quadratic", (string)node["options"]!["dominantRefresh"]!["kind"]!);
        Assert.Equal(0.4, (double)node["options"]!["dominantRefresh"]!["centerFraction"]!);
        Assert.Equal("character", (string)node["loras"]![0]!["category"]!);
        Assert.Equal("high", (string)node["loras"]![0]!["band"]!);
        Assert.Equal(RecipeSamples.AliceSha, (string)node["loras"]![0]!["sha256"]!);
        Assert.Equal("linspace", (string)node["timestepSpacing"]!);
        Assert.Equal("single-file", (string)node["model"]!["format"]!);
        Assert.Null(node["loras"]![0]!["hash"]);
        Assert.Null(node["stats"]!["totalSeconds"]);
    }

    public static TheoryData<CompositionOptions> EveryOptionsType() => new()
    {
        new NoLoraOptions { Caching = RefreshSpec.Piecewise(), MaxAge = 3 },
        new MergeOptions { NormalizeWeights = true, Caching = RefreshSpec.Uniform(3) },
        new SwitchOptions { SwitchStep = 7, Caching = RefreshSpec.Uniform(2), MaxAge = 4 },
        new CompositeOptions { BatchAdapters = false, Caching = RefreshSpec.Quadratic(4, 0.5), MaxAge = 9 },
        new CmLoraOptions { UseCache = false, DecayDominantWeight = true, LatePhaseStart = 0.6, BatchAdapters = false, NonDominantRefresh = RefreshSpec.Piecewise() },
    };

    [Theory]
    [MemberData(nameof(EveryOptionsType))]
    public void EveryOptionsTypeRoundTrips(CompositionOptions options)
    {
        var recipe = RecipeSamples.TwoLoras() with { Method = options.Method, Options = options };
        Assert.Equal(options, RecipeJson.Parse(RecipeJson.Serialize(recipe)).Options);
    }

    [Theory]
    [MemberData(nameof(EveryOptionsType))]
    public void EveryPublicOptionsPropertyIsWritten(CompositionOptions options)
    {
        // A property added to an options record later must be serialised too, or re-runs would silently use its default.
        var written = JsonNode.Parse(RecipeJson.Serialize(RecipeSamples.TwoLoras() with { Method = options.Method, Options = options }))!["options"]!.AsObject();
        var properties = options.GetType().GetProperties().Where(p => p.Name != nameof(CompositionOptions.Method) && p.CanWrite)
            .Select(p => char.ToLowerInvariant(p.Name[0]) + p.Name[1..]);
        Assert.All(properties, name => Assert.True(written.ContainsKey(name), $"{options.GetType().Name}.{name} is not written"));
    }

    [Theory]
    [InlineData("{", "The recipe is not valid:")]
    [InlineData("null", "The recipe is empty (JSON null).")]
    [InlineData("""{"prompt":"x"}""", "The recipe is not valid:")]
    [InlineData("""{"model":{"name":"m"},"method":"blend"}""", "The recipe is not valid: Unknown composition method 'blend': use none, merge, switch, composite or cmlora.")]
    [InlineData("""{"model":{"name":"m"},"method":"merge","options":{"method":"merge","caching":{"kind":"sometimes"}}}""", "The recipe is not valid: Unknown refresh schedule kind 'sometimes'")]
    [InlineData("""{"model":{"name":"m"},"method":"switch","options":{"method":"switch","caching":{"kind":"uniform","interval":0}}}""", "The recipe is not valid: Invalid refresh schedule: A refresh interval must be at least 1 step.")]
    [InlineData("""{"model":{"name":"m"},"loras":[{"name":"a","weight":1},{"name":"a","weight":2}]}""", "LoRA 'a' is listed twice in the recipe.")]
    [InlineData("""{"model":{"name":"m"},"steps":0}""", "The recipe's steps and size must be positive (got 0 steps, 512x512).")]
    public void InvalidRecipesAreRefusedWithTheReason(string json, string message)
    {
        var e = Assert.Throws<RecipeFormatException>(() => RecipeJson.Parse(json));
        Assert.StartsWith(message, e.Message);
        Assert.False(RecipeJson.TryParse(json, out _, out string? error));
        Assert.Equal(e.Message, error);
    }

    [Fact]
    public void UnknownPropertiesAreIgnoredAndMissingOnesTakeDefaults()
    {
        var recipe = RecipeJson.Parse("""{"model":{"name":"m"},"futureField":{"x":1},"prompt":"p"}""");
        Assert.Equal(("p", 20, 512, "dpmpp2m"), (recipe.Prompt, recipe.Steps, recipe.Width, recipe.Sampler));
        Assert.Empty(recipe.Loras);
    }

    [Fact]
    public void OverlongDocumentsAreRefusedBeforeParsing()
    {
        var e = Assert.Throws<RecipeFormatException>(() => RecipeJson.Parse(new string(' ', RecipeJson.MaxLength + 1)));
        Assert.Equal($"The recipe is {RecipeJson.MaxLength + 1} characters long; at most {RecipeJson.MaxLength} are accepted.", e.Message);
    }
}
