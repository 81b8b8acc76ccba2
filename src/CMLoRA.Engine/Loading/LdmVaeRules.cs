using System.Text.RegularExpressions;

namespace CMLoRA.Engine.Loading;

/// <summary>
/// Renaming rules from the LDM <c>AutoencoderKL</c> (<c>encoder.down.{i}.block.{j}</c>, <c>mid.attn_1</c>, …) to the
/// diffusers <c>AutoencoderKL</c> tree. Keys arrive without the <c>first_stage_model.</c> prefix.
/// </summary>
/// <remarks>
/// The LDM decoder numbers its levels from the lowest resolution up (<c>up.{N-1}</c> runs first) while diffusers numbers
/// them in execution order, so <c>decoder.up.{i}</c> is <c>decoder.up_blocks.{N-1-i}</c>. The mid-block attention is a
/// set of 1×1 convolutions in LDM and Linear layers in diffusers.
/// </remarks>
internal static partial class LdmVaeRules
{
    [GeneratedRegex(@"^(encoder|decoder)\.(conv_in|conv_out|norm_out)\.(weight|bias)$")]
    private static partial Regex EndConvolution();

    [GeneratedRegex(@"^(quant_conv|post_quant_conv)\.(weight|bias)$")]
    private static partial Regex QuantConvolution();

    [GeneratedRegex(@"^(encoder\.down|decoder\.up)\.(\d+)\.block\.(\d+)\.(\w+)\.(weight|bias)$")]
    private static partial Regex LevelResnet();

    [GeneratedRegex(@"^(encoder\.down\.(\d+)\.downsample|decoder\.up\.(\d+)\.upsample)\.conv\.(weight|bias)$")]
    private static partial Regex Resampler();

    [GeneratedRegex(@"^(encoder|decoder)\.mid\.block_([12])\.(\w+)\.(weight|bias)$")]
    private static partial Regex MidResnet();

    [GeneratedRegex(@"^(encoder|decoder)\.mid\.attn_1\.(norm|q|k|v|proj_out)\.(weight|bias)$")]
    private static partial Regex MidAttention();

    /// <summary>The diffusers key and reshape for <paramref name="key"/>, or null when no rule applies.</summary>
    public static (string Key, WeightReshape Reshape)? Map(string key, int levels)
    {
        if (EndConvolution().Match(key) is { Success: true } end)
        {
            string module = end.Groups[2].Value == "norm_out" ? "conv_norm_out" : end.Groups[2].Value;
            return ($"{end.Groups[1].Value}.{module}.{end.Groups[3].Value}", WeightReshape.None);
        }
        if (QuantConvolution().IsMatch(key)) return (key, WeightReshape.None);

        if (LevelResnet().Match(key) is { Success: true } resnet)
        {
            string? part = ResnetPart(resnet.Groups[4].Value);
            string? level = Level(resnet.Groups[1].Value, resnet.Groups[2].Value, levels);
            return part is null || level is null
                ? null
                : ($"{level}.resnets.{resnet.Groups[3].Value}.{part}.{resnet.Groups[5].Value}", WeightReshape.None);
        }

        if (Resampler().Match(key) is { Success: true } resampler)
        {
            bool down = resampler.Groups[2].Success;
            string? level = down
                ? Level("encoder.down", resampler.Groups[2].Value, levels)
                : Level("decoder.up", resampler.Groups[3].Value, levels);
            string sampler = down ? "downsamplers" : "upsamplers";
            return level is null ? null : ($"{level}.{sampler}.0.conv.{resampler.Groups[4].Value}", WeightReshape.None);
        }

        if (MidResnet().Match(key) is { Success: true } mid)
        {
            string? part = ResnetPart(mid.Groups[3].Value);
            int index = mid.Groups[2].Value == "1" ? 0 : 1;
            return part is null
                ? null
                : ($"{mid.Groups[1].Value}.mid_block.resnets.{index}.{part}.{mid.Groups[4].Value}", WeightReshape.None);
        }

        if (MidAttention().Match(key) is { Success: true } attention)
        {
            string module = attention.Groups[2].Value switch
            {
                "norm" => "group_norm",
                "q" => "to_q",
                "k" => "to_k",
                "v" => "to_v",
                _ => "to_out.0",
            };
            string leaf = attention.Groups[3].Value;
            var reshape = module != "group_norm" && leaf == "weight" ? WeightReshape.Conv1x1ToLinear : WeightReshape.None;
            return ($"{attention.Groups[1].Value}.mid_block.attentions.0.{module}.{leaf}", reshape);
        }
        return null;
    }

    private static string? ResnetPart(string ldm) => ldm switch
    {
        "norm1" or "conv1" or "norm2" or "conv2" => ldm,
        "nin_shortcut" => "conv_shortcut",
        _ => null,
    };

    private static string? Level(string ldmPath, string indexText, int levels)
    {
        int index = int.Parse(indexText);
        if (index >= levels) return null;
        return ldmPath == "encoder.down"
            ? $"encoder.down_blocks.{index}"
            : $"decoder.up_blocks.{levels - 1 - index}";
    }
}
