namespace CMLoRA.Engine.Sampling;

/// <summary>The samplers this engine implements, each equal step for step to a diffusers scheduler.</summary>
public enum SamplerKind
{
    /// <summary>DPM-Solver++ 2M (<c>DPMSolverMultistepScheduler</c>, algorithm dpmsolver++, midpoint).</summary>
    DpmPlusPlus2M,

    /// <summary>DDIM (<c>DDIMScheduler</c>), deterministic at eta 0.</summary>
    Ddim,

    /// <summary>Euler (<c>EulerDiscreteScheduler</c>).</summary>
    Euler,

    /// <summary>Euler ancestral (<c>EulerAncestralDiscreteScheduler</c>).</summary>
    EulerAncestral,
}
