using System.Text.RegularExpressions;

namespace CMLoRA.Engine.Loading;

/// <summary>
/// Renaming rules from the LDM <c>openaimodel.UNetModel</c> tree to the diffusers <c>UNet2DConditionModel</c> tree.
/// Keys arrive without the <c>model.diffusion_model.</c> prefix.
/// </summary>
/// <remarks>
/// LDM numbers blocks linearly. <c>input_blocks.0</c> is conv_in; then each down level takes
/// <c>layers_per_block + 1</c> slots: L slots of [resnet, attention?] followed by one downsampler slot (the last level
/// has no downsampler, which the formula never reaches). <c>output_blocks</c> give each up level L + 1 slots of
/// [resnet, attention?, upsampler?], the upsampler being the sub-module named <c>conv</c>. The per-module renames inside a
/// resnet are fixed by the LDM <c>ResBlock</c> layout (in_layers = [GroupNorm, SiLU, Conv], out_layers =
/// [GroupNorm, SiLU, Dropout, Conv]); transformer blocks already use diffusers names.
/// </remarks>
internal static partial class LdmUnetRules
{
    private static readonly (string Ldm, string Diffusers)[] TopLevel =
    [
        ("time_embed.0.", "time_embedding.linear_1."),
        ("time_embed.2.", "time_embedding.linear_2."),
        ("input_blocks.0.0.", "conv_in."),
        ("out.0.", "conv_norm_out."),
        ("out.2.", "conv_out."),
    ];

    private static readonly (string Ldm, string Diffusers)[] ResnetParts =
    [
        ("in_layers.0.", "norm1."),
        ("in_layers.2.", "conv1."),
        ("emb_layers.1.", "time_emb_proj."),
        ("out_layers.0.", "norm2."),
        ("out_layers.3.", "conv2."),
        ("skip_connection.", "conv_shortcut."),
    ];

    private static readonly string[] TransformerParts = ["norm.", "proj_in.", "proj_out.", "transformer_blocks."];

    [GeneratedRegex(@"^(input_blocks|output_blocks)\.(\d+)\.(\d+)\.(.+)$")]
    private static partial Regex NumberedBlock();

    [GeneratedRegex(@"^middle_block\.(\d+)\.(.+)$")]
    private static partial Regex MiddleBlock();

    /// <summary>The diffusers key for <paramref name="key"/>, or null when no rule applies.</summary>
    public static string? Map(string key, int layersPerBlock)
    {
        foreach (var (ldm, diffusers) in TopLevel)
            if (key.StartsWith(ldm, StringComparison.Ordinal))
                return Leaf(diffusers, key[ldm.Length..]);

        if (MiddleBlock().Match(key) is { Success: true } middle)
        {
            string tail = middle.Groups[2].Value;
            return middle.Groups[1].Value switch
            {
                "0" => Resnet("mid_block.resnets.0.", tail),
                "1" => Transformer("mid_block.attentions.0.", tail),
                "2" => Resnet("mid_block.resnets.1.", tail),
                _ => null,
            };
        }

        if (NumberedBlock().Match(key) is not { Success: true } block) return null;
        int index = int.Parse(block.Groups[2].ValueSpan);
        int sub = int.Parse(block.Groups[3].ValueSpan);
        string rest = block.Groups[4].Value;
        int slots = layersPerBlock + 1;
        return block.Groups[1].Value == "input_blocks"
            ? InputBlock(index, sub, rest, slots)
            : OutputBlock(index, sub, rest, slots);
    }

    private static string? InputBlock(int index, int sub, string rest, int slots)
    {
        if (index < 1) return null; // input_blocks.0.0 is conv_in, handled above
        int level = (index - 1) / slots, slot = (index - 1) % slots;
        string prefix = $"down_blocks.{level}.";
        if (slot == slots - 1)
            return sub == 0 && rest.StartsWith("op.", StringComparison.Ordinal)
                ? Leaf(prefix + "downsamplers.0.conv.", rest["op.".Length..])
                : null;
        return sub switch
        {
            0 => Resnet($"{prefix}resnets.{slot}.", rest),
            1 => Transformer($"{prefix}attentions.{slot}.", rest),
            _ => null,
        };
    }

    private static string? OutputBlock(int index, int sub, string rest, int slots)
    {
        int level = index / slots, slot = index % slots;
        string prefix = $"up_blocks.{level}.";
        if (sub == 0) return Resnet($"{prefix}resnets.{slot}.", rest);
        // The upsampler closes a level: it is the last sub-module of the level's last slot and is named 'conv'.
        if (rest.StartsWith("conv.", StringComparison.Ordinal))
            return slot == slots - 1 ? Leaf(prefix + "upsamplers.0.conv.", rest["conv.".Length..]) : null;
        return sub == 1 ? Transformer($"{prefix}attentions.{slot}.", rest) : null;
    }

    private static string? Resnet(string prefix, string rest)
    {
        foreach (var (ldm, diffusers) in ResnetParts)
            if (rest.StartsWith(ldm, StringComparison.Ordinal))
                return Leaf(prefix + diffusers, rest[ldm.Length..]);
        return null;
    }

    private static string? Transformer(string prefix, string rest) =>
        TransformerParts.Any(part => rest.StartsWith(part, StringComparison.Ordinal)) ? prefix + rest : null;

    /// <summary>Only a parameter name may follow a renamed module.</summary>
    private static string? Leaf(string prefix, string leaf) => leaf is "weight" or "bias" ? prefix + leaf : null;
}
