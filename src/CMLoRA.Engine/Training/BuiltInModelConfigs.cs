using CMLoRA.Engine.Models.Clip;
using CMLoRA.Engine.Models.Unet;
using CMLoRA.Engine.Models.Vae;

namespace CMLoRA.Engine.Training;

/// <summary>
/// The sizes of the built-in model: the SD 1.x classes with small configs, sized so the whole recipe trains on two CPU
/// cores in about two hours (docs/builtin-model.md has the measured step rates). 64×64 pictures, 16×16×4 latents.
/// </summary>
public static class BuiltInModelConfigs
{
    /// <summary>Picture size of the world and of the model.</summary>
    public const int ImageSize = 64;

    /// <summary>Width of the text encoder and of the UNet's cross-attention.</summary>
    public const int TextWidth = 128;

    /// <summary>Target size of the learned tokenizer vocabulary.</summary>
    public const int VocabularySize = 1024;

    /// <summary>
    /// The VAE: three levels (64 → 32 → 16, a factor of 4), 4 latent channels, the mid-block attention of SD's VAE.
    /// <c>scaling_factor</c> is replaced after training by 1 / std of the latents.
    /// </summary>
    public static VaeConfig Vae { get; } = new()
    {
        DownBlockTypes = new[] { "DownEncoderBlock2D", "DownEncoderBlock2D", "DownEncoderBlock2D" },
        UpBlockTypes = new[] { "UpDecoderBlock2D", "UpDecoderBlock2D", "UpDecoderBlock2D" },
        BlockOutChannels = new[] { 32, 64, 64 },
        LayersPerBlock = 1,
        NormNumGroups = 16,
        LatentChannels = 4,
        SampleSize = ImageSize,
        ScalingFactor = 1.0,
        ForceUpcast = false,
    };

    /// <summary>
    /// The UNet for 16×16×4 latents: two cross-attention levels and one plain level, as SD 1.x has three and one,
    /// with the cross-attention mid block.
    /// </summary>
    public static UNetConfig Unet { get; } = new()
    {
        SampleSize = ImageSize / 4,
        DownBlockTypes = new[] { "CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D" },
        UpBlockTypes = new[] { "UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D" },
        BlockOutChannels = new[] { 64, 128, 128 },
        LayersPerBlock = 1,
        AttentionHeadDim = 4,
        CrossAttentionDim = TextWidth,
        NormNumGroups = 32,
    };

    /// <summary>The CLIP-style text encoder over a vocabulary of <paramref name="vocabularySize"/> tokens (BOS and EOS last).</summary>
    public static ClipTextConfig TextEncoder(int vocabularySize) => new()
    {
        VocabSize = vocabularySize,
        HiddenSize = TextWidth,
        IntermediateSize = 4 * TextWidth,
        NumHiddenLayers = 3,
        NumAttentionHeads = 4,
        MaxPositionEmbeddings = 77,
        HiddenAct = "quick_gelu",
        PadTokenId = vocabularySize - 1,
        BosTokenId = vocabularySize - 2,
        EosTokenId = vocabularySize - 1,
    };
}
