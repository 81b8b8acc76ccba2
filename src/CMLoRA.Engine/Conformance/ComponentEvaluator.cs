using System.Globalization;
using System.Text.RegularExpressions;
using CMLoRA.Engine.Tensors;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Conformance;

/// <summary>
/// Computes a component output named as in <c>outputs.safetensors</c> from <c>inputs.safetensors</c>:
/// <c>unet_noise_pred_t{T}</c> (T one of <c>unet_timesteps</c>), <c>vae_decode</c>, <c>vae_encode_mean</c>,
/// <c>vae_encode_logvar</c>, <c>clip_last_hidden_state</c>, <c>clip_pooler_output</c>, <c>clip_hidden_states_{i}</c>,
/// <c>clip_skip{n}_*</c> (A1111 CLIP skip n through the final layer norm), and any of them prefixed <c>lora_</c>
/// (computed with the LoRA on). Shared forwards (text encoder, VAE encoder) run once per LoRA state.
/// </summary>
internal sealed partial class ComponentEvaluator(ReferenceModels models, SafetensorsFile inputs, string? loraPath, float loraWeight) : IDisposable
{
    private const string LoraPrefix = "lora_";
    private readonly Dictionary<string, Tensor> _cache = new(StringComparer.Ordinal);

    /// <summary>Our tensor for <paramref name="name"/> (owned by the caller), or null with the reason in <paramref name="reason"/>.</summary>
    public Tensor? Compute(string name, out string? reason)
    {
        bool lora = name.StartsWith(LoraPrefix, StringComparison.Ordinal);
        string baseName = lora ? name[LoraPrefix.Length..] : name;
        if (lora && loraPath is null)
        {
            reason = "no LoRA file in weights/lora";
            return null;
        }
        if (_cache.TryGetValue(name, out var cached))
        {
            reason = null;
            return cached.clone();
        }
        models.UseLora(lora ? loraPath : null, loraWeight);
        try
        {
            using var guard = no_grad();
            return Evaluate(baseName, lora ? LoraPrefix : "", out reason);
        }
        finally
        {
            models.UseLora(null);
        }
    }

    private Tensor? Evaluate(string name, string prefix, out string? reason)
    {
        reason = null;
        if (UnetName().Match(name) is { Success: true } unet) return Unet(unet.Groups[1].Value, out reason);
        if (name == "vae_decode")
        {
            if (models.Vae is null) return NoVae(out reason);
            if (!HasInputs(out reason, "vae_decode_latents")) return null;
            using var latents = Input("vae_decode_latents");
            return models.Vae.Decode(latents);
        }
        if (name is "vae_encode_mean" or "vae_encode_logvar")
        {
            if (models.Vae is null) return NoVae(out reason);
            if (!HasInputs(out reason, "vae_encode_images")) return null;
            using var images = Input("vae_encode_images");
            var (mean, logVar) = models.Vae.Encode(images);
            _cache[prefix + "vae_encode_mean"] = mean;
            _cache[prefix + "vae_encode_logvar"] = logVar;
            return _cache[prefix + name].clone();
        }
        if (name.StartsWith("clip_", StringComparison.Ordinal)) return Clip(name, prefix, out reason);
        reason = "unknown tensor name";
        return null;
    }

    private Tensor? Unet(string label, out string? reason)
    {
        if (!HasInputs(out reason, "unet_latents", "unet_encoder_hidden_states", "unet_timesteps")) return null;
        if (!double.TryParse(label, NumberStyles.Float, CultureInfo.InvariantCulture, out double wanted))
        {
            reason = $"timestep '{label}' is not a number";
            return null;
        }
        using var timesteps = inputs.ReadTensor("unet_timesteps");
        int index = Array.FindIndex(timesteps.data<float>().ToArray(), t => t == (float)wanted);
        if (index < 0)
        {
            reason = $"timestep {label} is not in unet_timesteps";
            return null;
        }
        using var latents = Input("unet_latents");
        using var context = Input("unet_encoder_hidden_states");
        using var t = timesteps[index];
        return models.Unet.call(latents, t, context);
    }

    private Tensor? Clip(string name, string prefix, out string? reason)
    {
        if (!HasInputs(out reason, "clip_input_ids")) return null;
        using var ids = inputs.ReadTensor("clip_input_ids", ScalarType.Int64);
        if (ClipSkipName().Match(name) is { Success: true } skip)
        {
            int clipSkip = int.Parse(skip.Groups[1].Value, CultureInfo.InvariantCulture);
            int layers = models.TextEncoder.Config.NumHiddenLayers;
            if (clipSkip < 1 || clipSkip > layers)
            {
                reason = $"CLIP skip {clipSkip} is outside 1..{layers}";
                return null;
            }
            return models.TextEncoder.EncodePrompt(ids, clipSkip);
        }
        if (!_cache.ContainsKey(prefix + "clip_last_hidden_state"))
        {
            using var output = models.TextEncoder.Encode(ids, outputHiddenStates: true);
            _cache[prefix + "clip_last_hidden_state"] = output.LastHiddenState.clone();
            _cache[prefix + "clip_pooler_output"] = output.PoolerOutput.clone();
            for (int i = 0; i < output.HiddenStates!.Count; i++)
                _cache[prefix + $"clip_hidden_states_{i}"] = output.HiddenStates[i].clone();
        }
        if (_cache.TryGetValue(prefix + name, out var result)) return result.clone();
        reason = name.StartsWith("clip_hidden_states_", StringComparison.Ordinal)
            ? $"the text encoder has {models.TextEncoder.Config.NumHiddenLayers + 1} hidden states"
            : "unknown tensor name";
        return null;
    }

    private Tensor Input(string name) => inputs.ReadTensor(name);

    private bool HasInputs(out string? reason, params string[] names)
    {
        string? missing = names.FirstOrDefault(n => !inputs.Contains(n));
        reason = missing is null ? null : $"input '{missing}' is not in inputs.safetensors";
        return missing is null;
    }

    private static Tensor? NoVae(out string? reason)
    {
        reason = "the checkpoint has no VAE";
        return null;
    }

    public void Dispose()
    {
        foreach (var tensor in _cache.Values) tensor.Dispose();
        _cache.Clear();
    }

    [GeneratedRegex(@"^unet_noise_pred_t(.+)$", RegexOptions.CultureInvariant)]
    private static partial Regex UnetName();

    [GeneratedRegex(@"^clip_skip(\d+)_", RegexOptions.CultureInvariant)]
    private static partial Regex ClipSkipName();
}
