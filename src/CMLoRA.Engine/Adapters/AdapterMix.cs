namespace CMLoRA.Engine.Adapters;

/// <summary>One LoRA acting in a forward pass: its index in the <see cref="LoraAdapterSet"/> and the user's weight.</summary>
public readonly record struct ActiveAdapter(int Lora, float Weight);

/// <summary>
/// Which adapters act on a forward pass. With one slice the whole batch uses it; with N slices the batch is cut
/// into N equal parts along dimension 0 and part i uses slice i — how several LoRAs run as one batched forward.
/// </summary>
public sealed record AdapterMix(IReadOnlyList<IReadOnlyList<ActiveAdapter>> Slices)
{
    public static AdapterMix None { get; } = new([Array.Empty<ActiveAdapter>()]);

    public static AdapterMix All(params ActiveAdapter[] adapters) => new([adapters]);

    /// <summary>Slice i runs LoRA <c>loras[i]</c> alone at its weight.</summary>
    public static AdapterMix OnePerSlice(IReadOnlyList<ActiveAdapter> loras) =>
        new(loras.Select(l => (IReadOnlyList<ActiveAdapter>)new[] { l }).ToList());

    public bool IsEmpty => Slices.All(s => s.Count == 0);
}
