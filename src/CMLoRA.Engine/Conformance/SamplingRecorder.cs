using CMLoRA.Engine.Models.Unet;
using CMLoRA.Engine.Models.Vae;
using CMLoRA.Engine.Pipelines;
using CMLoRA.Engine.Sampling;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Conformance;

/// <summary>
/// Records, under the reference's names, what the text-to-image pipeline computes in each step: as its
/// <see cref="NoisePredictor"/> (the UNet) the timestep, the UNet input, the unconditional, text and guided
/// predictions; from its progress callback the latents after the step; as its <see cref="LatentDecoder"/> (the VAE)
/// the raw decode.
/// </summary>
internal sealed class SamplingRecorder(UNet2DConditionModel unet, double guidanceScale, bool guided) : IDisposable
{
    private readonly Dictionary<string, Tensor> _recorded = new(StringComparer.Ordinal);

    public Tensor Predict(int step, int steps, Tensor latents, Tensor timestep, Tensor encoderHiddenStates)
    {
        var prediction = unet.call(latents, timestep, encoderHiddenStates);
        string prefix = StepPrefix(step);
        Keep(prefix + "timestep", timestep.reshape(1).clone());
        Keep(prefix + "unet_input", latents.clone());
        if (guided)
        {
            long n = prediction.shape[0] / 2;
            Keep(prefix + "noise_pred_uncond", prediction.narrow(0, 0, n).clone());
            Keep(prefix + "noise_pred_text", prediction.narrow(0, n, n).clone());
            // The pipeline applies exactly this to the prediction we return.
            Keep(prefix + "noise_pred_cfg", Guidance.ApplyBatched(prediction, guidanceScale));
        }
        else
        {
            Keep(prefix + "noise_pred_text", prediction.clone());
            Keep(prefix + "noise_pred_cfg", prediction.clone());
        }
        return prediction;
    }

    /// <summary>The pipeline's progress callback: keeps the latents after the step.</summary>
    public void OnProgress(StepProgress progress) => Keep(StepPrefix(progress.Step - 1) + "latents_out", progress.Latents.clone());

    /// <summary>The VAE as the pipeline's <see cref="LatentDecoder"/>, recording <c>decoded_raw</c>.</summary>
    public LatentDecoder DecoderFor(AutoencoderKL vae) => scaled =>
    {
        var decoded = vae.Decode(scaled);
        Keep("decoded_raw", decoded.clone());
        return decoded;
    };

    /// <summary>Hands the recorded tensors to the caller.</summary>
    public Dictionary<string, Tensor> Take()
    {
        var taken = new Dictionary<string, Tensor>(_recorded, StringComparer.Ordinal);
        _recorded.Clear();
        return taken;
    }

    private static string StepPrefix(int step) => $"step{step:00}_";

    // The pipeline runs each step in its own dispose scope; what we keep must outlive it.
    private void Keep(string name, Tensor tensor)
    {
        if (_recorded.Remove(name, out var old)) old.Dispose();
        _recorded[name] = tensor.DetachFromDisposeScope();
    }

    public void Dispose()
    {
        foreach (var tensor in _recorded.Values) tensor.Dispose();
        _recorded.Clear();
    }
}
