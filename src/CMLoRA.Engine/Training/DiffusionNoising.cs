using CMLoRA.Engine.Models.Unet;
using CMLoRA.Engine.Sampling;
using CMLoRA.Engine.Sampling.Schedules;
using CMLoRA.Engine.Tensors;
using TorchSharp;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Training;

/// <summary>
/// The DDPM training objective of SD (Ho et al., 2020, with SD's scaled_linear betas): pick t uniformly, noise the
/// latents to x_t = √ᾱ_t·x₀ + √(1 − ᾱ_t)·ε and regress the UNet's output on ε with the mean squared error.
/// </summary>
public sealed class DiffusionNoising : IDisposable
{
    private readonly Tensor _alphasCumprod;

    /// <summary>The schedule of <paramref name="scheduler"/> (default: SD 1.5's, 1000 steps, β 0.00085 → 0.012 scaled_linear).</summary>
    public DiffusionNoising(SchedulerConfig? scheduler = null)
    {
        var schedule = NoiseSchedule.FromConfig(scheduler ?? SchedulerConfig.StableDiffusion15);
        using var view = tensor(schedule.AlphasCumprod.ToArray());
        // A copy in libtorch memory (the first tensor wraps the managed array).
        _alphasCumprod = view.clone();
        TrainTimesteps = schedule.NumTrainTimesteps;
    }

    /// <summary>Number of training timesteps.</summary>
    public int TrainTimesteps { get; }

    /// <summary>
    /// The ε-prediction loss of <paramref name="unet"/> on scaled latents <paramref name="latents"/> [B, 4, h, w] with
    /// text conditioning <paramref name="context"/> [B, 77, D]; t then ε are drawn from <paramref name="generator"/>.
    /// </summary>
    public Tensor Loss(UNet2DConditionModel unet, Tensor latents, Tensor context, torch.Generator generator)
    {
        using var scope = NewDisposeScope();
        long batch = latents.shape[0];
        var timesteps = randint(0, TrainTimesteps, [batch], ScalarType.Int64, generator: generator);
        var noise = randn(latents.shape, generator: generator);
        var alphas = _alphasCumprod.index_select(0, timesteps).view(batch, 1, 1, 1);
        var noisy = (alphas.sqrt() * latents).add(alphas.SubtractedFrom(1).sqrt() * noise, Scalars.One);
        var prediction = unet.forward(noisy, timesteps.to_type(ScalarType.Float32), context);
        return nn.functional.mse_loss(prediction, noise).MoveToOuterDisposeScope();
    }

    public void Dispose() => _alphasCumprod.Dispose();
}
