using static TorchSharp.torch;

namespace CMLoRA.Engine.Composition.FeatureCache;

/// <summary>
/// The deep features of one image, one slot per key (per LoRA, or per evaluation for Merge/Switch). Owns its
/// tensors, refuses to grow past <see cref="MaxBytes"/>, and frees everything on <see cref="Dispose"/> (after each image).
/// </summary>
public sealed class FeatureCacheSet(long maxBytes = 2L * 1024 * 1024 * 1024) : IDisposable
{
    private readonly Dictionary<string, Tensor> _slots = new(StringComparer.Ordinal);

    public long MaxBytes { get; } = maxBytes;
    public long BytesHeld { get; private set; }
    public int Count => _slots.Count;

    /// <summary>Takes ownership of <paramref name="feature"/> and keeps it under <paramref name="key"/>, replacing the old one.</summary>
    public void Store(string key, Tensor feature)
    {
        Clear(key);
        long bytes = feature.NumberOfElements * feature.ElementSize;
        if (BytesHeld + bytes > MaxBytes)
            throw new InvalidOperationException(
                $"feature cache would hold {(BytesHeld + bytes) / 1048576.0:F0} MiB, over its {MaxBytes / 1048576.0:F0} MiB bound");
        var owned = feature.detach().DetachFromDisposeScope();
        _slots[key] = owned;
        BytesHeld += bytes;
    }

    public bool TryGet(string key, out Tensor feature) => _slots.TryGetValue(key, out feature!);

    public Tensor Get(string key) =>
        _slots.TryGetValue(key, out var feature)
            ? feature
            : throw new InvalidOperationException($"no cached feature for '{key}': a reuse step came before its refresh");

    public void Clear(string key)
    {
        if (!_slots.Remove(key, out var old)) return;
        BytesHeld -= old.NumberOfElements * old.ElementSize;
        old.Dispose();
    }

    public void Dispose()
    {
        foreach (var tensor in _slots.Values) tensor.Dispose();
        _slots.Clear();
        BytesHeld = 0;
    }
}
