using CMLoRA.Engine.Composition;
using CMLoRA.Engine.Pipelines;

namespace CMLoRA.Engine.Generation;

/// <summary>Everything one image needs besides the model: prompts, LoRAs, composition method and the sampling request.</summary>
/// <param name="Prompt">A1111 prompt syntax: emphasis, BREAK, long prompts in 75-token chunks.</param>
/// <param name="NegativePrompt">Same syntax; the unconditional branch of guidance.</param>
/// <param name="Loras">LoRAs in the user's order; CMLoRA re-orders them by frequency itself.</param>
/// <param name="Method">How the LoRAs are composed; None ignores them.</param>
/// <param name="Options">Method options; null means the method's defaults.</param>
/// <param name="Image">Size, steps, guidance, sampler and seed.</param>
/// <param name="ClipSkip">1 = last CLIP layer (SD 1.x default), 2 = penultimate.</param>
public sealed record GenerationJob(
    string Prompt,
    string NegativePrompt,
    IReadOnlyList<LoraRequest> Loras,
    CompositionMethod Method,
    CompositionOptions? Options,
    TextToImageRequest Image,
    int ClipSkip = 1)
{
    /// <summary>The method that actually runs: None when there are no LoRAs.</summary>
    public CompositionMethod EffectiveMethod => Loras.Count == 0 ? CompositionMethod.None : Method;

    /// <summary>Throws <see cref="ArgumentException"/> with a plain message for requests that cannot run.</summary>
    public void Validate()
    {
        Image.Validate();
        if (ClipSkip is < 1 or > 12) throw new ArgumentException($"Clip skip must be between 1 and 12 (got {ClipSkip}).");
        if (Method == CompositionMethod.None && Loras.Count > 0)
            throw new ArgumentException("LoRAs were given but the composition method is 'none'; choose merge, switch, composite or cmlora.");
        var duplicate = Loras.GroupBy(l => l.ResolvedId).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new ArgumentException($"LoRA '{duplicate.Key}' is listed twice.");
        foreach (var lora in Loras)
        {
            if (!File.Exists(lora.Path)) throw new ArgumentException($"LoRA file not found: {lora.Path}");
            if (!float.IsFinite(lora.Weight)) throw new ArgumentException($"LoRA '{lora.ResolvedId}' has a weight that is not a number.");
        }
    }
}
