using static TorchSharp.torch;

namespace CMLoRA.Engine.Pipelines;

/// <summary>
/// The VAE decoder as a function: receives latents already divided by the VAE scaling factor and returns the
/// decoded image in [−1, 1] (N×3×H×W), a new tensor owned by the caller.
/// </summary>
public delegate Tensor LatentDecoder(Tensor scaledLatents);
