namespace CMLoRA.Engine.Composition;

/// <summary>An adapter active inside one UNet evaluation.</summary>
/// <param name="Index">Position of the LoRA in the list the caller passed to the schedule.</param>
/// <param name="LoraId">The LoRA's id.</param>
/// <param name="Weight">
/// Adapter weight w_a inside the LoRA layers (spec 1.6): the layer adds λ·w_a·(α/r)·B(A(x)). The LoRA scale λ is
/// applied by the runtime, not by the schedule.
/// </param>
public readonly record struct AdapterWeight(int Index, string LoraId, double Weight);
