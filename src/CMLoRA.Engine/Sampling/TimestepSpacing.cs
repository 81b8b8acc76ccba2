namespace CMLoRA.Engine.Sampling;

/// <summary>
/// How inference timesteps are picked from the training range (diffusers <c>timestep_spacing</c>; the three
/// rows of Table 2 in Lin et al., "Common Diffusion Noise Schedules and Sample Steps are Flawed", 2023).
/// </summary>
public enum TimestepSpacing
{
    /// <summary>Evenly spaced over [0, T-1], rounded.</summary>
    Linspace,

    /// <summary>Multiples of a fixed ratio counted up from 0, plus <c>steps_offset</c>.</summary>
    Leading,

    /// <summary>Multiples of T/steps counted down from T, minus one.</summary>
    Trailing,
}
