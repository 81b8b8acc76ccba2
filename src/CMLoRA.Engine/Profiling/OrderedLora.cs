using CMLoRA.Engine.Composition;

namespace CMLoRA.Engine.Profiling;

/// <summary>A LoRA placed in the frequency order.</summary>
/// <param name="Index">Position of the LoRA in the caller's list.</param>
/// <param name="Slot">The LoRA.</param>
/// <param name="Band">Its frequency group.</param>
/// <param name="Source">Whether its score or its category decided the group.</param>
public sealed record OrderedLora(int Index, LoraSlot Slot, FrequencyBand Band, BandSource Source);
