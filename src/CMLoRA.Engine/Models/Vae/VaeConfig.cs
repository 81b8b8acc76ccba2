using System.Globalization;

namespace CMLoRA.Engine.Models.Vae;

/// <summary>
/// The fields of a diffusers <c>AutoencoderKL</c> config.json (property names map to snake_case keys). Defaults are
/// diffusers' constructor defaults; unknown keys are ignored; <see cref="Validate"/> refuses what is not implemented.
/// </summary>
public sealed record VaeConfig
{
    public int InChannels { get; init; } = 3;
    public int OutChannels { get; init; } = 3;
    public ConfigList<string> DownBlockTypes { get; init; } = new[] { "DownEncoderBlock2D" };
    public ConfigList<string> UpBlockTypes { get; init; } = new[] { "UpDecoderBlock2D" };
    public ConfigList<int> BlockOutChannels { get; init; } = new[] { 64 };
    public int LayersPerBlock { get; init; } = 1;
    public string ActFn { get; init; } = "silu";
    public int LatentChannels { get; init; } = 4;
    public int NormNumGroups { get; init; } = 32;
    public int SampleSize { get; init; } = 32;

    /// <summary>Latents are <c>scaling_factor</c> × the encoder's sample; divide by it before decoding.</summary>
    public double ScalingFactor { get; init; } = 0.18215;

    /// <summary>diffusers runs this VAE in float32 even in a half-precision pipeline when set.</summary>
    public bool ForceUpcast { get; init; } = true;
    public bool UseQuantConv { get; init; } = true;
    public bool UsePostQuantConv { get; init; } = true;
    public bool MidBlockAddAttention { get; init; } = true;
    public double? ShiftFactor { get; init; }

    /// <summary>The runwayml/stable-diffusion-v1-5 vae/config.json values.</summary>
    public static VaeConfig StableDiffusion15 { get; } = new()
    {
        DownBlockTypes = new[] { "DownEncoderBlock2D", "DownEncoderBlock2D", "DownEncoderBlock2D", "DownEncoderBlock2D" },
        UpBlockTypes = new[] { "UpDecoderBlock2D", "UpDecoderBlock2D", "UpDecoderBlock2D", "UpDecoderBlock2D" },
        BlockOutChannels = new[] { 128, 256, 512, 512 },
        LayersPerBlock = 2,
        SampleSize = 512,
    };

    /// <summary>Parses and validates a config.json text.</summary>
    public static VaeConfig FromJson(string json) => ConfigJson.Parse<VaeConfig>(json, "vae").Validate();

    /// <summary>Reads and validates a config.json file.</summary>
    public static VaeConfig Load(string path) => FromJson(File.ReadAllText(path));

    /// <summary>Throws <see cref="ModelConfigException"/> naming the first unsupported field; returns this config.</summary>
    public VaeConfig Validate()
    {
        int n = BlockOutChannels.Count;
        if (n == 0) Fail("block_out_channels is empty");
        if (DownBlockTypes.Count != n)
            Fail($"down_block_types has {DownBlockTypes.Count} entries but block_out_channels has {n}");
        if (UpBlockTypes.Count != n)
            Fail($"up_block_types has {UpBlockTypes.Count} entries but block_out_channels has {n}");
        for (int i = 0; i < n; i++)
        {
            if (DownBlockTypes[i] != "DownEncoderBlock2D")
                Fail($"down_block_types[{i}] = \"{DownBlockTypes[i]}\" is not supported (supported: DownEncoderBlock2D)");
            if (UpBlockTypes[i] != "UpDecoderBlock2D")
                Fail($"up_block_types[{i}] = \"{UpBlockTypes[i]}\" is not supported (supported: UpDecoderBlock2D)");
            if (BlockOutChannels[i] <= 0 || NormNumGroups <= 0 || BlockOutChannels[i] % NormNumGroups != 0)
                Fail($"block_out_channels[{i}] = {BlockOutChannels[i]} is not a positive multiple of norm_num_groups = {NormNumGroups}");
        }
        if (LayersPerBlock <= 0) Fail($"layers_per_block = {LayersPerBlock} must be positive");
        if (LatentChannels <= 0) Fail($"latent_channels = {LatentChannels} must be positive");
        if (ActFn is not ("silu" or "swish")) Fail($"act_fn = \"{ActFn}\" is not supported (supported: silu)");
        if (ShiftFactor is { } shift && shift != 0)
            Fail($"shift_factor = {shift.ToString(CultureInfo.InvariantCulture)} is not supported (SD 1.x/2.x VAEs have none)");
        return this;
    }

    private static void Fail(string message) => throw new ModelConfigException("vae config: " + message);
}
