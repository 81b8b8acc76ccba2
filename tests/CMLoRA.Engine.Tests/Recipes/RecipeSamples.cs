using CMLoRA.Engine.Composition;
using CMLoRA.Engine.Composition.FeatureCache;
using CMLoRA.Engine.Composition.Schedules;
using CMLoRA.Engine.Profiling;
using CMLoRA.Engine.Recipes;
using CMLoRA.Engine.Sampling;

namespace CMLoRA.Engine.Tests.Recipes;

/// <summary>Hand-built recipes with known values for the format tests.</summary>
internal static class RecipeSamples
{
    public const string ModelSha = "6ce0161689b3853acaa03779ec93eafe75a02f4ced659bee03f50797806fa2fa";
    public const string AliceSha = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    public const string AliceV3 = "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210";
    public const string GardenSha = "aaaabbbbccccddddeeeeffff00001111aaaabbbbccccddddeeeeffff00001111";

    public static GenerationRecipe TwoLoras() => new()
    {
        EngineVersion = "1.2.3",
        Model = new ModelIdentity("v1-5-pruned-emaonly", ModelHashing.SingleFile, ModelSha, ModelSha[..10]),
        Loras =
        [
            new RecipeLora("Alice", AliceSha, AliceSha[..10], AliceV3, 0.8f, LoraCategory.Character, 0.31, FrequencyBand.High, BandSource.Category),
            new RecipeLora("garden, night", GardenSha, GardenSha[..10], null, 0.55f, LoraCategory.Background, null, FrequencyBand.Low, BandSource.Category),
        ],
        ScheduleOrder = ["Alice", "garden, night"],
        Method = CompositionMethod.CmLora,
        Options = new CmLoraOptions { DominantRefresh = RefreshSpec.Quadratic(3, 0.4, 1.3), MaxAge = 6, Ordering = new LoraOrderingOptions { LowFrequencyThreshold = 0.05 } },
        Prompt = "a girl in a garden, (night:1.2)",
        NegativePrompt = "blurry, lowres",
        Sampler = "dpmpp2m",
        Karras = true,
        TimestepSpacing = TimestepSpacing.Linspace,
        Steps = 25,
        CfgScale = 7.5,
        Width = 512,
        Height = 768,
        Seed = 3141592653,
        ClipSkip = 2,
        Runtime = new RecipeRuntime("cpu", "float32", null, new FeatureCachePoint(0, 1), "0.107.0"),
        Stats = new RecipeStats(60, 40, 50, false, 0.25, 80.5, 1.5),
    };
}
