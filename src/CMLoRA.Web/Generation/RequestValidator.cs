using System.Globalization;
using CMLoRA.Engine.Composition;
using CMLoRA.Engine.Sampling;
using CMLoRA.Storage.Library;
using CMLoRA.Web.Accounts;
using CMLoRA.Web.Library;

namespace CMLoRA.Web.Generation;

/// <summary>
/// Checks a request before it is queued, collecting every problem with a message the user can act on. LoRAs are
/// looked up by the caller; one the user may not see reads exactly like one that does not exist.
/// </summary>
public static class RequestValidator
{
    /// <summary>The SD 1.x family the studio's engine runs; LoRAs labelled with another family cannot apply.</summary>
    public const string ModelFamily = BaseModelNames.Sd1;

    /// <summary>
    /// Every problem of <paramref name="request"/>; <paramref name="model"/> is the model it names (null when that is
    /// unknown, which the caller reports), whose family the LoRAs must match.
    /// </summary>
    public static IReadOnlyList<string> Validate(GenerationRequest request, CurrentUser user, IReadOnlyDictionary<Guid, LibraryLora> found,
        StudioModel? model = null)
    {
        var errors = new List<string>();
        string I(double v) => v.ToString(CultureInfo.InvariantCulture);

        if (request.Steps is < GenerationLimits.MinSteps or > GenerationLimits.MaxSteps)
            errors.Add($"Steps must be between {GenerationLimits.MinSteps} and {GenerationLimits.MaxSteps} (got {request.Steps}).");
        if (!double.IsFinite(request.Cfg) || request.Cfg is < GenerationLimits.MinCfg or > GenerationLimits.MaxCfg)
            errors.Add($"CFG scale must be between {I(GenerationLimits.MinCfg)} and {I(GenerationLimits.MaxCfg)} (got {I(request.Cfg)}).");
        CheckSize("Width", request.Width, errors);
        CheckSize("Height", request.Height, errors);
        if (request.BatchCount is < GenerationLimits.MinBatch or > GenerationLimits.MaxBatch)
            errors.Add($"Batch count must be between {GenerationLimits.MinBatch} and {GenerationLimits.MaxBatch} (got {request.BatchCount}).");
        if (request.ClipSkip is < GenerationLimits.MinClipSkip or > GenerationLimits.MaxClipSkip)
            errors.Add($"Clip skip must be between {GenerationLimits.MinClipSkip} and {GenerationLimits.MaxClipSkip} (got {request.ClipSkip}).");
        if (request.Seed is < -1)
            errors.Add($"Seed must be 0 or more, or -1 for a random seed (got {request.Seed}).");
        if ((request.Prompt?.Length ?? 0) + (request.NegativePrompt?.Length ?? 0) > GenerationLimits.MaxPromptLength)
            errors.Add($"The prompts are too long: at most {GenerationLimits.MaxPromptLength} characters together.");
        if (!IsSampler(request.Sampler))
            errors.Add($"Unknown sampler '{request.Sampler}': use {string.Join(", ", SamplerFactory.Names)}.");
        else if (request.Karras == true && !SupportsKarras(request.Sampler))
            errors.Add($"Karras sigmas are not available for the {request.Sampler.Trim().ToLowerInvariant()} sampler, which steps in alphas_cumprod; use dpmpp2m, euler or euler_a, or turn Karras off.");
        var method = ParseMethod(request.Method);
        if (method is null)
            errors.Add($"Unknown composition method '{request.Method}': use {string.Join(", ", GenerationLimits.MethodNames)}.");
        else
            errors.AddRange(CompositionSettingsValidator.Validate(method.Value, request.Options));

        var loras = request.Loras ?? [];
        if (loras.Count > GenerationLimits.MaxLoras)
            errors.Add($"Too many LoRAs: at most {GenerationLimits.MaxLoras} per image (got {loras.Count}).");
        if (method == CompositionMethod.None && loras.Count > 0)
            errors.Add("LoRAs were given but the composition method is 'none'; choose merge, switch, composite or cmlora.");
        foreach (var twice in loras.GroupBy(l => l.LoraId).Where(g => g.Count() > 1))
            errors.Add($"LoRA {twice.Key} is listed twice.");
        foreach (var use in loras)
        {
            if (!found.TryGetValue(use.LoraId, out var lora) || !LibraryAccess.CanView(user, lora))
            {
                errors.Add($"LoRA {use.LoraId} is not in the library (unknown, deleted, or private to another member).");
                continue;
            }
            if (!double.IsFinite(use.Weight) || Math.Abs(use.Weight) > GenerationLimits.MaxLoraWeight)
                errors.Add($"LoRA '{lora.Name}' has weight {I(use.Weight)}; weights must be between -{I(GenerationLimits.MaxLoraWeight)} and {I(GenerationLimits.MaxLoraWeight)}.");
            string family = model?.BaseModel ?? ModelFamily;
            if (lora.BaseModel != family && lora.BaseModel != BaseModelNames.Unknown)
                errors.Add(model is null
                    ? $"LoRA '{lora.Name}' is for {lora.BaseModel}, but the model is {family}."
                    : $"LoRA '{lora.Name}' is for {lora.BaseModel}, but the model '{model.Name}' is {family}.");
        }
        return errors;
    }

    private static void CheckSize(string name, int value, List<string> errors)
    {
        if (value is < GenerationLimits.MinSize or > GenerationLimits.MaxSize || value % GenerationLimits.SizeMultiple != 0)
            errors.Add($"{name} must be a multiple of {GenerationLimits.SizeMultiple} between {GenerationLimits.MinSize} and {GenerationLimits.MaxSize} (got {value}).");
    }

    private static bool IsSampler(string? name)
    {
        try
        {
            SamplerFactory.ParseName(name ?? "");
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>True for the samplers that can step on Karras sigmas (every one but DDIM).</summary>
    public static bool SupportsKarras(string? sampler)
    {
        try
        {
            return SamplerFactory.ParseName(sampler ?? "") != SamplerKind.Ddim;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>The method of a request name (none, merge, switch, composite, cmlora), or null when unknown.</summary>
    public static CompositionMethod? ParseMethod(string? name) => name?.Trim().ToLowerInvariant() switch
    {
        "none" => CompositionMethod.None,
        "merge" => CompositionMethod.Merge,
        "switch" => CompositionMethod.Switch,
        "composite" => CompositionMethod.Composite,
        "cmlora" => CompositionMethod.CmLora,
        _ => null,
    };
}
