using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Adapters;

/// <summary>
/// One adapted Linear or Conv2d layer. A forward hook adds Σ weight · Δy of the active adapters to the base
/// output, so switching adapters costs nothing and the base weights are never copied.
/// </summary>
internal sealed class AdapterTarget : IDisposable
{
    private readonly LoraAdapterSet _owner;
    private readonly Dictionary<int, AdapterFactors> _factors = new();
    private readonly nn.HookableModule<Func<nn.Module<Tensor, Tensor>, Tensor, Tensor>, Func<nn.Module<Tensor, Tensor>, Tensor, Tensor, Tensor>>.HookRemover _hook;
    private Tensor? _mergedBackup;

    public string Path { get; }
    public nn.Module<Tensor, Tensor> Module { get; }
    public Parameter Weight { get; }

    public AdapterTarget(LoraAdapterSet owner, string path, nn.Module<Tensor, Tensor> module)
    {
        _owner = owner;
        Path = path;
        Module = module;
        Weight = module switch
        {
            Linear linear => linear.weight!,
            Conv2d conv => conv.weight!,
            _ => throw new NotSupportedException($"'{path}' is a {module.GetType().Name}; adapters attach to Linear and Conv2d only"),
        };
        _hook = module.register_forward_hook((_, input, output) => AddAdapters(input, output));
    }

    public void Add(int lora, AdapterFactors factors)
    {
        if (!_factors.TryAdd(lora, factors))
            throw new InvalidOperationException($"LoRA {lora} already has an adapter on '{Path}'");
    }

    public bool Has(int lora) => _factors.ContainsKey(lora);

    private Tensor AddAdapters(Tensor input, Tensor output)
    {
        var mix = _owner.Active;
        if (mix.IsEmpty || _mergedBackup is not null) return output;
        int slices = mix.Slices.Count;
        if (slices == 1)
        {
            var delta = Delta(input, mix.Slices[0]);
            return delta is null ? output : output + delta;
        }

        if (input.shape[0] % slices != 0)
            throw new InvalidOperationException($"batch {input.shape[0]} cannot be split into {slices} adapter slices");
        var inputs = input.chunk(slices, 0);
        var outputs = output.chunk(slices, 0);
        var parts = new Tensor[slices];
        for (int i = 0; i < slices; i++)
            parts[i] = Delta(inputs[i], mix.Slices[i]) is { } delta ? outputs[i] + delta : outputs[i];
        return cat(parts, 0);
    }

    private Tensor? Delta(Tensor x, IReadOnlyList<ActiveAdapter> adapters)
    {
        Tensor? sum = null;
        foreach (var (lora, weight) in adapters)
        {
            if (weight == 0f || !_factors.TryGetValue(lora, out var factors)) continue;
            var delta = Module is Conv2d conv ? factors.ApplyConv(x, conv.stride, ConvPadding(conv)) : factors.ApplyLinear(x);
            var weighted = weight == 1f ? delta : delta * weight;
            sum = sum is null ? weighted : sum + weighted;
        }
        return sum;
    }

    private static long[] ConvPadding(Conv2d conv) =>
        conv.padding ?? (conv.padding_type == Padding.Same ? conv.kernel_size.Select(k => k / 2).ToArray() : new long[conv.kernel_size.Length]);

    /// <summary>W ← W + Σ weight · ΔW, keeping an exact copy of W for <see cref="Restore"/>.</summary>
    public void Merge(IReadOnlyList<ActiveAdapter> adapters)
    {
        if (_mergedBackup is not null) throw new InvalidOperationException($"'{Path}' is already merged");
        var active = adapters.Where(a => a.Weight != 0f && _factors.ContainsKey(a.Lora)).ToList();
        if (active.Count == 0) return;
        using var guard = no_grad();
        _mergedBackup = Weight.detach().clone();
        foreach (var (lora, weight) in active)
        {
            using var delta = _factors[lora].DeltaWeight(Weight.shape);
            Weight.add_(delta.to(Weight.dtype), alpha: weight);
        }
    }

    public void Restore()
    {
        if (_mergedBackup is null) return;
        using var guard = no_grad();
        Weight.copy_(_mergedBackup);
        _mergedBackup.Dispose();
        _mergedBackup = null;
    }

    public void Dispose()
    {
        Restore();
        _hook.remove();
        foreach (var factors in _factors.Values) factors.Dispose();
    }
}
