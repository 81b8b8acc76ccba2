using CMLoRA.Engine.Models.Unet;
using CMLoRA.Engine.Models.Vae;
using CMLoRA.Engine.Pipelines;
using CMLoRA.Engine.Sampling;
using TorchSharp;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Conformance;

/// <summary>
/// The UNet as the pipeline's <see cref="NoisePredictor"/>, recording what the reference records per step: the
/// timestep, the UNet input, the unconditional and text predictions and the guided one. The pipeline keeps its
/// latents to itself, so a second sampler of the same configuration takes the same guided prediction each step and
/// gives <c>stepKK_latents_out</c>; <see cref="CheckFinal"/> proves it walked the pipeline's path bit for bit.
/// </summary>
internal sealed class SamplingRecorder : IDisposable
{
    private readonly UNet2DConditionModel _unet;
    private readonly ISampler _shadow;
    private readonly torch.Generator _rng;
    private readonly double _guidanceScale;
    private readonly bool _guided;
    private Tensor _latents;

    /// <param name="shadow">A sampler configured as the pipeline's, already prepared for the run's steps.</param>
    public SamplingRecorder(UNet2DConditionModel unet, ISampler shadow, Tensor unitNoise, long seed, double guidanceScale, bool guided)
    {
        _unet = unet;
        _shadow = shadow;
        _rng = LatentNoise.CreateGenerator(seed);
        _guidanceScale = guidanceScale;
        _guided = guided;
        // The pipeline's initial latents, by the same operations.
        using var unit = unitNoise.to_type(ScalarType.Float32);
        _latents = unit * shadow.Plan.InitNoiseSigma;
    }

    /// <summary>Recorded tensors by reference name; owned by the recorder until <see cref="Take"/>n.</summary>
    public Dictionary<string, Tensor> Recorded { get; } = new(StringComparer.Ordinal);

    public Tensor Predict(int step, int steps, Tensor latents, Tensor timestep, Tensor encoderHiddenStates)
    {
        var prediction = _unet.call(latents, timestep, encoderHiddenStates);
        string prefix = $"step{step:00}_";
        Keep(prefix + "timestep", timestep.reshape(1).clone());
        Keep(prefix + "unet_input", latents.clone());
        Tensor guided;
        if (_guided)
        {
            long n = prediction.shape[0] / 2;
            Keep(prefix + "noise_pred_uncond", prediction.narrow(0, 0, n).clone());
            Keep(prefix + "noise_pred_text", prediction.narrow(0, n, n).clone());
            guided = Guidance.ApplyBatched(prediction, _guidanceScale);
        }
        else
        {
            Keep(prefix + "noise_pred_text", prediction.clone());
            guided = prediction.clone();
        }
        Keep(prefix + "noise_pred_cfg", guided);
        var next = _shadow.Step(guided, step, _latents, _rng).DetachFromDisposeScope();
        _latents.Dispose();
        _latents = next;
        Keep(prefix + "latents_out", next.clone());
        return prediction;
    }

    /// <summary>The VAE as the pipeline's <see cref="LatentDecoder"/>, recording <c>decoded_raw</c>.</summary>
    public LatentDecoder DecoderFor(AutoencoderKL vae) => scaled =>
    {
        var decoded = vae.Decode(scaled);
        Keep("decoded_raw", decoded.clone());
        return decoded;
    };

    /// <summary>Throws when the side sampler's latents are not exactly the pipeline's final latents.</summary>
    public void CheckFinal(Tensor pipelineLatents)
    {
        bool same = pipelineLatents.shape.SequenceEqual(_latents.shape);
        if (same)
        {
            using var differs = pipelineLatents.ne(_latents);
            using var any = differs.any();
            same = !any.item<bool>();
        }
        if (!same)
            throw new InvalidOperationException("the per-step latents recomputed beside the pipeline left its path");
    }

    /// <summary>Hands the recorded tensors to the caller.</summary>
    public Dictionary<string, Tensor> Take()
    {
        var taken = new Dictionary<string, Tensor>(Recorded, StringComparer.Ordinal);
        Recorded.Clear();
        return taken;
    }

    // The pipeline runs each step in its own dispose scope; what we keep must outlive it.
    private void Keep(string name, Tensor tensor)
    {
        if (Recorded.Remove(name, out var old)) old.Dispose();
        Recorded[name] = tensor.DetachFromDisposeScope();
    }

    public void Dispose()
    {
        foreach (var tensor in Recorded.Values) tensor.Dispose();
        Recorded.Clear();
        _latents.Dispose();
        _rng.Dispose();
    }
}
