using static TorchSharp.torch;

namespace CMLoRA.Engine.Pipelines;

/// <summary>
/// The denoiser the pipeline calls once per step: a UNet (with whatever LoRA composition is active) seen as a
/// function. <paramref name="step"/> is the step index (0 = noisiest) of a <paramref name="steps"/>-step run, which
/// composition schedules plan by. <paramref name="latents"/> is the scaled model input, batched [uncond; cond] under guidance;
/// <paramref name="timestep"/> is the 0-d timestep of the step; <paramref name="encoderHiddenStates"/> the text
/// conditioning in the same batch order. Returns a new tensor (ε or v) of the latents' shape, owned by the caller.
/// </summary>
public delegate Tensor NoisePredictor(int step, int steps, Tensor latents, Tensor timestep, Tensor encoderHiddenStates);
