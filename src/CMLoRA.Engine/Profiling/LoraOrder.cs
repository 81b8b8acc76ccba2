namespace CMLoRA.Engine.Profiling;

/// <summary>The frequency order of a composition: the high-frequency group, then the low-frequency group.</summary>
/// <param name="All">Every LoRA: <see cref="High"/> followed by <see cref="Low"/>.</param>
/// <param name="High">High-frequency group, highest score first, unscored LoRAs after in input order.</param>
/// <param name="Low">Low-frequency group, ordered likewise.</param>
public sealed record LoraOrder(IReadOnlyList<OrderedLora> All, IReadOnlyList<OrderedLora> High, IReadOnlyList<OrderedLora> Low);
