using CMLoRA.Engine.Loading;
using CMLoRA.Engine.Models.Blocks;
using CMLoRA.Engine.Tensors;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Models.Vae;

/// <summary>
/// diffusers' <c>AutoencoderKL</c>: <c>encoder</c>, <c>quant_conv</c>, <c>post_quant_conv</c>, <c>decoder</c>.
/// <see cref="Encode"/> gives the posterior's mean and (clamped) log-variance; <see cref="Decode"/> takes unscaled
/// latents (divide sampler latents by <see cref="ScalingFactor"/> first).
/// </summary>
public sealed class AutoencoderKL : nn.Module
{
    private readonly VaeEncoder encoder;
    private readonly VaeDecoder decoder;
    private readonly Conv2d? quant_conv;
    private readonly Conv2d? post_quant_conv;

    public VaeConfig Config { get; }

    /// <summary>The config's <c>scaling_factor</c> (0.18215 for SD 1.x).</summary>
    public double ScalingFactor => Config.ScalingFactor;

    /// <summary>Pixels per latent cell: 2^(levels − 1), diffusers' <c>vae_scale_factor</c> (8 for SD 1.x).</summary>
    public int SpatialScale => 1 << (Config.BlockOutChannels.Count - 1);

    /// <summary>Builds the model with freshly initialised weights (use <see cref="LayerFactory.Meta"/> for shapes only).</summary>
    public AutoencoderKL(VaeConfig config, LayerFactory layers = default) : base(nameof(AutoencoderKL))
    {
        Config = config.Validate();
        long latent2 = 2L * config.LatentChannels;
        encoder = new VaeEncoder(config, layers);
        decoder = new VaeDecoder(config, layers);
        if (config.UseQuantConv) quant_conv = layers.Conv2d(latent2, latent2, 1);
        if (config.UsePostQuantConv) post_quant_conv = layers.Conv2d(config.LatentChannels, config.LatentChannels, 1);
        RegisterComponents();
        foreach (var parameter in parameters()) parameter.requires_grad = false;
    }

    /// <summary>Builds the model from a diffusers <c>vae/</c> folder, streaming each weight into its parameter.</summary>
    /// <exception cref="CheckpointLoadException">the file's tensors do not match the configured model (missing,
    /// unexpected or misshapen, all listed); nothing is loaded then.</exception>
    public static AutoencoderKL FromDiffusersFolder(string vaeFolder, LayerFactory layers = default)
    {
        var config = VaeConfig.Load(Path.Combine(vaeFolder, "config.json"));
        var model = new AutoencoderKL(config, layers);
        try
        {
            using var file = SafetensorsFile.Open(DiffusersFiles.Weights(vaeFolder));
            ParameterLoader.Load(model, ComponentBindings.FromDiffusersFile(file, ModelComponent.Vae, []), "vae");
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Encodes images in [-1, 1] ([B, 3, H, W]) to the diagonal Gaussian posterior: its mean and its log-variance
    /// clamped to [-30, 20] as diffusers does, both [B, latent_channels, H/8, W/8] in the weights' dtype.
    /// </summary>
    public (Tensor Mean, Tensor LogVar) Encode(Tensor images)
    {
        using var scope = NewDisposeScope();
        var h = encoder.call(ToModel(images));
        var moments = quant_conv is null ? h : quant_conv.call(h);
        var halves = moments.chunk(2, 1);
        var mean = halves[0].contiguous();
        // Explicit Scalars that live until the call returns (an implicit temporary can be finalized mid-call by a GC).
        using Scalar low = (-30.0).ToScalar(), high = 20.0.ToScalar();
        var logVar = halves[1].clamp(low, high);
        return (mean.MoveToOuterDisposeScope(), logVar.MoveToOuterDisposeScope());
    }

    /// <summary>Decodes unscaled latents [B, latent_channels, h, w] to images [B, 3, 8h, 8w] (roughly [-1, 1]).</summary>
    public Tensor Decode(Tensor latents)
    {
        using var scope = NewDisposeScope();
        var z = ToModel(latents);
        var input = post_quant_conv is null ? z : post_quant_conv.call(z);
        return decoder.call(input).MoveToOuterDisposeScope();
    }

    private Tensor ToModel(Tensor input)
    {
        var weight = parameters().First();
        return input.device == weight.device && input.dtype == weight.dtype ? input : input.to(weight.dtype, weight.device);
    }
}
