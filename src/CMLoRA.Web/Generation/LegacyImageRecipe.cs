using System.Text.Json;
using CMLoRA.Engine.Composition;
using CMLoRA.Engine.Recipes;
using EngineRecipeLora = CMLoRA.Engine.Recipes.RecipeLora;

namespace CMLoRA.Web.Generation;

/// <summary>
/// The recipe JSON the studio stored before it wrote the engine's recipe ("format": "cmlora-recipe/1", LoRAs with their
/// library ids). Kept only to read those images; <see cref="ToEngine"/> turns one into the engine's recipe. Those
/// images ran with the engine's default method options, which the conversion spells out.
/// </summary>
internal sealed record LegacyImageRecipe(
    string Format,
    string EngineVersion,
    string TorchSharpVersion,
    LegacyImageRecipe.ModelPart Model,
    string Prompt,
    string NegativePrompt,
    IReadOnlyList<LegacyImageRecipe.LoraPart> Loras,
    IReadOnlyList<string> LoraOrder,
    string Method,
    string Sampler,
    int Steps,
    double Cfg,
    int Width,
    int Height,
    long Seed,
    string NoiseRng,
    int ClipSkip,
    int BatchIndex,
    LegacyImageRecipe.TimingsPart? Timings,
    LegacyImageRecipe.StatsPart? Stats)
{
    public const string FormatName = "cmlora-recipe/1";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public sealed record ModelPart(string Name, string Hash, string Sha256);

    public sealed record LoraPart(Guid LibraryId, string Name, string Sha256, string AutoV3, double Weight, int Order);

    public sealed record TimingsPart(double TextEncodeSeconds, double DenoiseSeconds, double DecodeSeconds);

    public sealed record StatsPart(int FullEvaluations, int CachedEvaluations, int UNetCalls, bool MergedWeights);

    /// <summary>The old recipe, or null when <paramref name="json"/> is not one (the engine's recipe has no "format").</summary>
    public static LegacyImageRecipe? TryRead(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("format", out var format) || format.ValueKind != JsonValueKind.String
                || format.GetString() != FormatName)
                return null;
            return document.RootElement.Deserialize<LegacyImageRecipe>(Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public GenerationRecipe ToEngine()
    {
        var method = Enum.TryParse<CompositionMethod>(Method, ignoreCase: true, out var parsed) ? parsed : CompositionMethod.None;
        var t = Timings ?? new TimingsPart(0, 0, 0);
        return new GenerationRecipe
        {
            EngineVersion = EngineVersion,
            // The old studio hashed a diffusers folder's weight files only; the short hash stays comparable with its infotext.
            Model = new ModelIdentity(Model.Name, null, string.IsNullOrEmpty(Model.Sha256) ? null : Model.Sha256, string.IsNullOrEmpty(Model.Hash) ? null : Model.Hash),
            Loras = Loras.OrderBy(l => l.Order).Select(l => new EngineRecipeLora(l.Name, l.Sha256, l.Sha256.Length >= 10 ? l.Sha256[..10] : null,
                l.AutoV3, (float)l.Weight)).ToList(),
            ScheduleOrder = LoraOrder,
            Method = method,
            Options = CompositionSettingsMapper.ToEngine(method, null),
            Prompt = Prompt,
            NegativePrompt = NegativePrompt,
            Sampler = Sampler,
            Steps = Steps,
            CfgScale = Cfg,
            Width = Width,
            Height = Height,
            Seed = Seed,
            Rng = NoiseRng,
            ClipSkip = ClipSkip,
            Stats = Stats is { } s
                ? new RecipeStats(s.FullEvaluations, s.CachedEvaluations, s.UNetCalls, s.MergedWeights, t.TextEncodeSeconds, t.DenoiseSeconds, t.DecodeSeconds)
                : null,
        };
    }
}
