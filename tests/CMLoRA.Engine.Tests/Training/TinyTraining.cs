using CMLoRA.Engine.Models.Clip;
using CMLoRA.Engine.Models.Unet;
using CMLoRA.Engine.Models.Vae;
using CMLoRA.Engine.Training;

namespace CMLoRA.Engine.Tests.Training;

/// <summary>Tiny configs with the built-in model's topology (64×64 → 16×16×4, two cross-attention levels) so a step takes milliseconds.</summary>
internal static class TinyTraining
{
    /// <summary>
    /// One intra-op thread on the calling test thread: libtorch's thread count is per OS thread under OpenMP, and
    /// the resume tests compare losses bit for bit, which holds only for the same reduction order.
    /// </summary>
    public static void OneThread() => TorchSharp.torch.set_num_threads(1);

    public static VaeConfig Vae { get; } = BuiltInModelConfigs.Vae with { BlockOutChannels = new[] { 8, 16, 16 }, NormNumGroups = 4 };

    public static UNetConfig Unet { get; } = BuiltInModelConfigs.Unet with
    {
        BlockOutChannels = new[] { 16, 32, 32 },
        NormNumGroups = 8,
        AttentionHeadDim = 2,
        CrossAttentionDim = 32,
    };

    public static ClipTextConfig TextEncoder { get; } = BuiltInModelConfigs.TextEncoder(1024) with
    {
        HiddenSize = 32,
        IntermediateSize = 64,
        NumHiddenLayers = 1,
        NumAttentionHeads = 2,
    };

    public static VaeTrainingOptions VaeOptions(long steps) => new()
    {
        Steps = steps,
        BatchSize = 2,
        DatasetSize = 2,
        LearningRate = 3e-3,
        WarmupSteps = 0,
        Cosine = false,
        ScalingSamples = 8,
        CheckpointEvery = 1000,
        Config = Vae,
    };

    public static DiffusionTrainingOptions ModelOptions(string vaePath, long steps) => new()
    {
        VaePath = vaePath,
        Steps = steps,
        BatchSize = 4,
        DatasetSize = 4,
        LearningRate = 2e-3,
        WarmupSteps = 0,
        Cosine = false,
        VocabularySize = 700,
        CheckpointEvery = 1000,
        Unet = Unet,
        TextEncoder = TextEncoder,
    };
}
