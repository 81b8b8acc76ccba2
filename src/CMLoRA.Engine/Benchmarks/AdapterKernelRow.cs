namespace CMLoRA.Engine.Benchmarks;

/// <summary>
/// One adapted linear layer, three ways (median seconds): the base layer alone (= merged weights), the runtime adapter
/// as the engine applies it today, and a fused form that accumulates the low-rank product into the base output.
/// </summary>
/// <param name="Layer">Role and shape, e.g. "GEGLU proj 2048×64→512".</param>
/// <param name="Rank">LoRA rank r.</param>
/// <param name="BaseSeconds">y = x·Wᵀ.</param>
/// <param name="CurrentSeconds">
/// As <c>AdapterFactors.ApplyLinear</c> and <c>AdapterTarget</c> do: Δ = ((x·Aᵀ)·Bᵀ)·scale, then Δ·weight, then y + Δ —
/// three full-size elementwise passes and two full-size temporaries beyond the base layer.
/// </param>
/// <param name="FusedSeconds">h = (x·Aᵀ)·(scale·weight) on the r-wide hidden, then y.addmm_(h, Bᵀ): no full-size pass.</param>
public sealed record AdapterKernelRow(string Layer, int Rank, double BaseSeconds, double CurrentSeconds, double FusedSeconds)
{
    /// <summary>Current adapter time over the base layer, minus 1.</summary>
    public double CurrentOverhead => CurrentSeconds / BaseSeconds - 1;

    /// <summary>Fused adapter time over the base layer, minus 1.</summary>
    public double FusedOverhead => FusedSeconds / BaseSeconds - 1;
}
