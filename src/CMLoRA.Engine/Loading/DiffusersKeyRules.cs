using System.Text.RegularExpressions;

namespace CMLoRA.Engine.Loading;

/// <summary>
/// Tolerances for keys of diffusers/transformers component files written by older library versions.
/// </summary>
internal static partial class DiffusersKeyRules
{
    // diffusers before 0.15 saved the VAE mid-block attention as query/key/value/proj_attn (many published VAEs,
    // sd-vae-ft-mse among them, still are); current diffusers renames them when loading.
    [GeneratedRegex(@"^(encoder|decoder)\.mid_block\.attentions\.0\.(query|key|value|proj_attn)\.(weight|bias)$")]
    private static partial Regex DeprecatedVaeAttention();

    /// <summary>The current parameter name for <paramref name="key"/>, or null with a reason when the key is a known extra.</summary>
    public static string? Normalize(ModelComponent component, string key, out string? ignoredReason)
    {
        ignoredReason = null;
        switch (component)
        {
            case ModelComponent.TextEncoder when key == "text_model.embeddings.position_ids":
                // transformers < 4.31 saved the position ids buffer; it is a constant the model recomputes.
                ignoredReason = "position ids are a constant 0..76; the model computes them";
                return null;
            case ModelComponent.Vae when DeprecatedVaeAttention().Match(key) is { Success: true } old:
                string module = old.Groups[2].Value switch
                {
                    "query" => "to_q",
                    "key" => "to_k",
                    "value" => "to_v",
                    _ => "to_out.0",
                };
                return $"{old.Groups[1].Value}.mid_block.attentions.0.{module}.{old.Groups[3].Value}";
            default:
                return key;
        }
    }
}
