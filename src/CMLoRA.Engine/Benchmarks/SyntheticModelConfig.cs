using CMLoRA.Engine.Models.Clip;
using CMLoRA.Engine.Models.Unet;
using CMLoRA.Engine.Models.Vae;
using CMLoRA.Engine.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Benchmarks;

/// <summary>
/// The UNet, VAE and text-encoder configurations of a model that benchmarks build in memory with random weights:
/// <see cref="Tiny"/> (the tiny_sdlike test fixture), <see cref="Small"/> (SD 1.5's topology at a fifth of its width)
/// and <see cref="StableDiffusion15"/> (the real sizes).
/// </summary>
/// <param name="Name">tiny, small or sd15.</param>
/// <param name="UNet">The UNet configuration.</param>
/// <param name="Vae">The VAE configuration (its decoder upsamples by 8, as the pipeline expects).</param>
/// <param name="TextEncoder">The CLIP text-encoder configuration.</param>
/// <param name="DefaultSize">Image side in pixels the benchmarks use unless told otherwise.</param>
public sealed record SyntheticModelConfig(string Name, UNetConfig UNet, VaeConfig Vae, ClipTextConfig TextEncoder, int DefaultSize)
{
    private static readonly string[] FourVaeBlocks = ["DownEncoderBlock2D", "DownEncoderBlock2D", "DownEncoderBlock2D", "DownEncoderBlock2D"];
    private static readonly string[] FourVaeUpBlocks = ["UpDecoderBlock2D", "UpDecoderBlock2D", "UpDecoderBlock2D", "UpDecoderBlock2D"];

    /// <summary>tests/fixtures/reference/tiny_sdlike/config.json: SD topology with 3 UNet blocks of 32–64 channels; 64 px images.</summary>
    public static SyntheticModelConfig Tiny { get; } = new("tiny",
        new UNetConfig
        {
            SampleSize = 8,
            DownBlockTypes = new[] { "CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D" },
            UpBlockTypes = new[] { "UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D" },
            BlockOutChannels = new[] { 32, 64, 64 },
            LayersPerBlock = 2,
            CrossAttentionDim = 32,
            AttentionHeadDim = 4,
            NormNumGroups = 8,
        },
        new VaeConfig
        {
            DownBlockTypes = FourVaeBlocks,
            UpBlockTypes = FourVaeUpBlocks,
            BlockOutChannels = new[] { 16, 32, 32, 32 },
            LayersPerBlock = 1,
            NormNumGroups = 8,
            SampleSize = 64,
        },
        new ClipTextConfig
        {
            VocabSize = 1000,
            HiddenSize = 32,
            IntermediateSize = 37,
            NumHiddenLayers = 2,
            NumAttentionHeads = 4,
            MaxPositionEmbeddings = 77,
            HiddenAct = "quick_gelu",
            LayerNormEps = 1e-5,
            PadTokenId = 1,
            BosTokenId = 0,
            EosTokenId = 2,
        },
        64);

    /// <summary>
    /// SD 1.5's topology (4 UNet blocks, attention in the first three, 2 layers each, 8 heads) with block channels
    /// [64, 128, 256, 256], a VAE of [32, 32, 64, 64] and a 4-layer, 256-wide text encoder; 256 px images. About 1/25 of SD 1.5's UNet FLOPs per
    /// pixel, with the same share of attention over the largest feature map.
    /// </summary>
    public static SyntheticModelConfig Small { get; } = new("small",
        UNetConfig.StableDiffusion15 with { SampleSize = 32, BlockOutChannels = new[] { 64, 128, 256, 256 }, CrossAttentionDim = 256 },
        VaeConfig.StableDiffusion15 with { BlockOutChannels = new[] { 32, 32, 64, 64 }, SampleSize = 256 },
        ClipTextConfig.StableDiffusion15 with { HiddenSize = 256, IntermediateSize = 1024, NumHiddenLayers = 4, NumAttentionHeads = 4 },
        256);

    /// <summary>The runwayml/stable-diffusion-v1-5 component configurations; 512 px images.</summary>
    public static SyntheticModelConfig StableDiffusion15 { get; } = new("sd15",
        UNetConfig.StableDiffusion15, VaeConfig.StableDiffusion15, ClipTextConfig.StableDiffusion15, 512);

    /// <summary>The names <see cref="Named"/> accepts.</summary>
    public static IReadOnlyList<string> Names { get; } = ["tiny", "small", "sd15"];

    /// <summary>The configuration called <paramref name="name"/> (tiny, small or sd15; case-insensitive).</summary>
    /// <exception cref="ArgumentException">an unknown name, with the known ones.</exception>
    public static SyntheticModelConfig Named(string name) => name.Trim().ToLowerInvariant() switch
    {
        "tiny" => Tiny,
        "small" => Small,
        "sd15" or "sd1.5" => StableDiffusion15,
        _ => throw new ArgumentException($"unknown model config '{name}': use {string.Join(", ", Names)}"),
    };

    /// <summary>A UNet with this configuration's random initial weights, on <paramref name="device"/>.</summary>
    public UNet2DConditionModel BuildUNet(Device? device = null) => Seeded(new UNet2DConditionModel(UNet), device);

    /// <summary>A VAE with random initial weights.</summary>
    public AutoencoderKL BuildVae(Device? device = null) => Seeded(new AutoencoderKL(Vae), device);

    /// <summary>A text encoder with random initial weights.</summary>
    public CLIPTextModel BuildTextEncoder(Device? device = null) => Seeded(new CLIPTextModel(TextEncoder), device);

    // A fixed seed makes every benchmark run build the same weights (timings may depend on values: denormals, NaNs).
    // The draws come from a private generator, never torch's global one: reseeding that would change the random
    // numbers of whatever else runs in the process (tests run in parallel), and their draws would change these weights.
    // The model is built and drawn on the CPU (the generator's device), then moved.
    private static T Seeded<T>(T model, Device? device) where T : nn.Module
    {
        try
        {
            using (var generator = new Generator(WeightSeed))
                ModelInitialization.Apply(model, generator);
            return device is null || device.type == DeviceType.CPU ? model : model.to(device);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    private const ulong WeightSeed = 20240601;
}
