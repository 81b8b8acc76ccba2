namespace CMLoRA.Engine.Sampling;

/// <summary>What the denoiser predicts (diffusers <c>prediction_type</c>).</summary>
public enum PredictionType
{
    /// <summary>The added noise ε (SD 1.x).</summary>
    Epsilon,

    /// <summary>v = α·ε − σ·x₀ (SD 2.x 768 models).</summary>
    VPrediction,
}
