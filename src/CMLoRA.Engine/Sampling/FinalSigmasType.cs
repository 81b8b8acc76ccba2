namespace CMLoRA.Engine.Sampling;

/// <summary>The sigma that DPM-Solver appends after the last timestep (diffusers <c>final_sigmas_type</c>).</summary>
public enum FinalSigmasType
{
    /// <summary>σ = 0: the last step lands on the clean sample (and is first order).</summary>
    Zero,

    /// <summary>σ of training timestep 0.</summary>
    SigmaMin,
}
