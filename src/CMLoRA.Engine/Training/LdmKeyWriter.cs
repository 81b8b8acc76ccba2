using System.Text.RegularExpressions;
using CMLoRA.Engine.Loading;

namespace CMLoRA.Engine.Training;

/// <summary>
/// The reverse of <see cref="LdmKeyMapper"/>: names a diffusers/transformers parameter the way an original (LDM)
/// single-file checkpoint does, so a trained model can also be written as one <c>.safetensors</c> file. The UNet needs
/// one <c>layers_per_block</c> for all levels (as the LDM numbering does) and whether each up level has attentions.
/// </summary>
public sealed partial class LdmKeyWriter
{
    private readonly int _layersPerBlock;
    private readonly int _vaeLevels;
    private readonly IReadOnlySet<int> _upBlocksWithAttention;

    /// <param name="unetLayersPerBlock">The UNet's <c>layers_per_block</c>.</param>
    /// <param name="vaeLevels">The VAE's number of levels.</param>
    /// <param name="upBlocksWithAttention">Indices of the UNet up blocks that are <c>CrossAttnUpBlock2D</c>.</param>
    public LdmKeyWriter(int unetLayersPerBlock, int vaeLevels, IEnumerable<int> upBlocksWithAttention)
    {
        _layersPerBlock = unetLayersPerBlock;
        _vaeLevels = vaeLevels;
        _upBlocksWithAttention = upBlocksWithAttention.ToHashSet();
    }

    private static readonly (string Diffusers, string Ldm)[] UnetTopLevel =
    [
        ("time_embedding.linear_1.", "time_embed.0."),
        ("time_embedding.linear_2.", "time_embed.2."),
        ("conv_in.", "input_blocks.0.0."),
        ("conv_norm_out.", "out.0."),
        ("conv_out.", "out.2."),
    ];

    private static readonly (string Diffusers, string Ldm)[] ResnetParts =
    [
        ("norm1.", "in_layers.0."),
        ("conv1.", "in_layers.2."),
        ("time_emb_proj.", "emb_layers.1."),
        ("norm2.", "out_layers.0."),
        ("conv2.", "out_layers.3."),
        ("conv_shortcut.", "skip_connection."),
    ];

    [GeneratedRegex(@"^(down|up)_blocks\.(\d+)\.(resnets|attentions)\.(\d+)\.(.+)$")]
    private static partial Regex UnetLayer();

    [GeneratedRegex(@"^(down|up)_blocks\.(\d+)\.(downsamplers|upsamplers)\.0\.conv\.(weight|bias)$")]
    private static partial Regex UnetResampler();

    [GeneratedRegex(@"^mid_block\.(resnets|attentions)\.(\d)\.(.+)$")]
    private static partial Regex UnetMiddle();

    [GeneratedRegex(@"^(encoder|decoder)\.(down|up)_blocks\.(\d+)\.(resnets\.(\d+)\.(\w+)|downsamplers\.0\.conv|upsamplers\.0\.conv)\.(weight|bias)$")]
    private static partial Regex VaeLevel();

    [GeneratedRegex(@"^(encoder|decoder)\.mid_block\.(resnets\.([01])\.(\w+)|attentions\.0\.(group_norm|to_q|to_k|to_v|to_out\.0))\.(weight|bias)$")]
    private static partial Regex VaeMiddle();

    /// <summary>The single-file key of UNet parameter <paramref name="key"/>.</summary>
    public string Unet(string key) => LdmKeyMapper.UnetPrefix + (UnetCore(key) ?? throw Unknown("UNet", key));

    /// <summary>The single-file key of VAE parameter <paramref name="key"/>, and whether the weight becomes a 1×1 convolution.</summary>
    public (string Key, bool ToConv1x1) Vae(string key) =>
        VaeCore(key) is var (ldm, reshape) ? (LdmKeyMapper.VaePrefix + ldm, reshape) : throw Unknown("VAE", key);

    /// <summary>The single-file key of text-encoder parameter <paramref name="key"/> (<c>text_model.*</c>).</summary>
    public static string TextEncoder(string key) =>
        key.StartsWith("text_model.", StringComparison.Ordinal) ? LdmKeyMapper.TextEncoderPrefix + key : throw Unknown("text encoder", key);

    private string? UnetCore(string key)
    {
        foreach (var (diffusers, ldm) in UnetTopLevel)
            if (key.StartsWith(diffusers, StringComparison.Ordinal)) return ldm + key[diffusers.Length..];

        int slots = _layersPerBlock + 1;
        if (UnetLayer().Match(key) is { Success: true } layer)
        {
            int block = int.Parse(layer.Groups[2].ValueSpan), index = int.Parse(layer.Groups[4].ValueSpan);
            bool down = layer.Groups[1].Value == "down";
            int slot = down ? 1 + block * slots + index : block * slots + index;
            string family = down ? "input_blocks" : "output_blocks";
            string rest = layer.Groups[5].Value;
            return layer.Groups[3].Value == "resnets"
                ? Resnet($"{family}.{slot}.0.", rest)
                : $"{family}.{slot}.1.{rest}";
        }
        if (UnetResampler().Match(key) is { Success: true } resampler)
        {
            int block = int.Parse(resampler.Groups[2].ValueSpan);
            string leaf = resampler.Groups[4].Value;
            return resampler.Groups[1].Value == "down"
                ? $"input_blocks.{1 + block * slots + _layersPerBlock}.0.op.{leaf}"
                : $"output_blocks.{block * slots + _layersPerBlock}.{(_upBlocksWithAttention.Contains(block) ? 2 : 1)}.conv.{leaf}";
        }
        if (UnetMiddle().Match(key) is { Success: true } middle)
        {
            int index = int.Parse(middle.Groups[2].ValueSpan);
            string rest = middle.Groups[3].Value;
            return middle.Groups[1].Value == "attentions"
                ? $"middle_block.1.{rest}"
                : Resnet($"middle_block.{(index == 0 ? 0 : 2)}.", rest);
        }
        return null;
    }

    private static string? Resnet(string prefix, string rest)
    {
        foreach (var (diffusers, ldm) in ResnetParts)
            if (rest.StartsWith(diffusers, StringComparison.Ordinal)) return prefix + ldm + rest[diffusers.Length..];
        return null;
    }

    private (string, bool)? VaeCore(string key)
    {
        switch (key)
        {
            case "quant_conv.weight" or "quant_conv.bias" or "post_quant_conv.weight" or "post_quant_conv.bias":
                return (key, false);
        }
        foreach (string side in new[] { "encoder.", "decoder." })
        {
            if (!key.StartsWith(side, StringComparison.Ordinal)) continue;
            string rest = key[side.Length..];
            if (rest is "conv_in.weight" or "conv_in.bias" or "conv_out.weight" or "conv_out.bias") return (key, false);
            if (rest.StartsWith("conv_norm_out.", StringComparison.Ordinal)) return (side + "norm_out." + rest["conv_norm_out.".Length..], false);
        }
        if (VaeLevel().Match(key) is { Success: true } level)
        {
            string side = level.Groups[1].Value, leaf = level.Groups[7].Value;
            int index = int.Parse(level.Groups[3].ValueSpan);
            string ldmLevel = side == "encoder" ? $"encoder.down.{index}" : $"decoder.up.{_vaeLevels - 1 - index}";
            if (level.Groups[5].Success)
            {
                string part = level.Groups[6].Value == "conv_shortcut" ? "nin_shortcut" : level.Groups[6].Value;
                return ($"{ldmLevel}.block.{level.Groups[5].Value}.{part}.{leaf}", false);
            }
            return ($"{ldmLevel}.{(side == "encoder" ? "downsample" : "upsample")}.conv.{leaf}", false);
        }
        if (VaeMiddle().Match(key) is { Success: true } middle)
        {
            string side = middle.Groups[1].Value, leaf = middle.Groups[6].Value;
            if (middle.Groups[3].Success)
            {
                string part = middle.Groups[4].Value == "conv_shortcut" ? "nin_shortcut" : middle.Groups[4].Value;
                return ($"{side}.mid.block_{int.Parse(middle.Groups[3].ValueSpan) + 1}.{part}.{leaf}", false);
            }
            string module = middle.Groups[5].Value switch
            {
                "group_norm" => "norm",
                "to_q" => "q",
                "to_k" => "k",
                "to_v" => "v",
                _ => "proj_out",
            };
            return ($"{side}.mid.attn_1.{module}.{leaf}", module != "norm" && leaf == "weight");
        }
        return null;
    }

    private static InvalidOperationException Unknown(string component, string key) =>
        new($"no single-file (LDM) name for {component} parameter '{key}'");
}
