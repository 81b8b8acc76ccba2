namespace CMLoRA.Engine.Sampling;

/// <summary>How the training betas are laid out (diffusers <c>beta_schedule</c>).</summary>
public enum BetaSchedule
{
    /// <summary><c>linear</c>: betas linear from beta_start to beta_end.</summary>
    Linear,

    /// <summary><c>scaled_linear</c>: square roots linear, then squared (Stable Diffusion).</summary>
    ScaledLinear,
}
