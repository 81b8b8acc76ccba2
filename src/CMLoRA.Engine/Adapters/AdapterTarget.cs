using CMLoRA.Engine.Tensors;
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
        if (slices > 1 && input.shape[0] % slices != 0)
            throw new InvalidOperationException($"batch {input.shape[0]} cannot be split into {slices} adapter slices");
        if (!is_grad_enabled() && output.is_contiguous()) return AccumulateInPlace(input, output, mix, slices);
        if (slices == 1)
        {
            var delta = Delta(input, mix.Slices[0]);
            if (delta is null) return output;
            using (delta) return output.add(delta, Scalars.One);
        }

        var inputs = input.chunk(slices, 0);
        var outputs = output.chunk(slices, 0);
        var parts = new Tensor[slices];
        for (int i = 0; i < slices; i++)
            parts[i] = Delta(inputs[i], mix.Slices[i]) is { } delta ? outputs[i].add(delta, Scalars.One) : outputs[i];
        return cat(parts, 0);
    }

    /// <summary>
    /// Inference path: each slice's adapters accumulate straight into the base output (a contiguous batch slice is a
    /// view), so there are no full-size temporaries and no re-concatenation. docs/benchmarks.md finding 9 measured
    /// the old path at +262 % on SD 1.5's GEGLU projection and this one at −2 to +9 %.
    /// </summary>
    private Tensor AccumulateInPlace(Tensor input, Tensor output, AdapterMix mix, int slices)
    {
        long size = input.shape[0] / slices;
        for (int i = 0; i < slices; i++)
        {
            var adapters = mix.Slices[i];
            if (adapters.All(a => a.Weight == 0f || !_factors.ContainsKey(a.Lora))) continue;
            using var x = slices == 1 ? input.alias() : input.narrow(0, i * size, size);
            using var y = slices == 1 ? output.alias() : output.narrow(0, i * size, size);
            foreach (var (lora, weight) in adapters)
            {
                if (weight == 0f || !_factors.TryGetValue(lora, out var factors)) continue;
                if (Module is Conv2d conv) factors.AccumulateConv(x, y, conv.stride, ConvPadding(conv), weight);
                else factors.AccumulateLinear(x, y, weight);
            }
        }
        return output;
    }

    private Tensor? Delta(Tensor x, IReadOnlyList<ActiveAdapter> adapters)
    {
        Tensor? sum = null;
        foreach (var (lora, weight) in adapters)
        {
            if (weight == 0f || !_factors.TryGetValue(lora, out var factors)) continue;
            var delta = Module is Conv2d conv ? factors.ApplyConv(x, conv.stride, ConvPadding(conv)) : factors.ApplyLinear(x);
            var weighted = weight == 1f ? delta : delta.Times(weight);
            sum = sum is null ? weighted : sum.add(weighted, Scalars.One);
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
            using var converted = delta.to(Weight.dtype);
            using Scalar alpha = weight.ToScalar();
            Weight.add_(converted, alpha);
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
