namespace CMLoRA.Engine.Composition;

/// <summary>One LoRA of a composition, as the schedules see it.</summary>
/// <param name="Id">Unique name of the adapter within the composition; also its cache key.</param>
/// <param name="Category">Element category; decides the frequency group when no score decides it.</param>
/// <param name="FrequencyScore">
/// The LoRA's frequency score, <see cref="Profiling.LoraProfile.Score"/>: the change ΔH of the high-frequency statistic
/// of spec 3.3 that the LoRA causes against the base model. Null when the LoRA is unprofiled.
/// </param>
public sealed record LoraSlot(string Id, LoraCategory Category = LoraCategory.Other, double? FrequencyScore = null);
