using TorchSharp;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Adapters;

/// <summary>
/// Runtime (unmerged) LoRA adapters installed on a model: y = W x + Σ_a weight_a · (alpha_a / r_a) · B_a(A_a(x)).
/// Choosing which LoRAs act — all of them, or a different one per batch slice — is a field assignment
/// (<see cref="Active"/>), never a weight copy. <see cref="Merge"/> folds a mix into the weights for the
/// fastest single-mix inference and <see cref="Restore"/> puts the original weights back bit-exactly.
/// </summary>
public sealed class LoraAdapterSet : IDisposable
{
    private readonly Dictionary<string, nn.Module<Tensor, Tensor>> _modules;
    private readonly Dictionary<string, AdapterTarget> _targets = new(StringComparer.Ordinal);
    private readonly List<string> _loraNames = [];
    private bool _merged;

    /// <summary>The adapters applied by every forward pass from now on.</summary>
    public AdapterMix Active { get; set; } = AdapterMix.None;

    public IReadOnlyList<string> LoraNames => _loraNames;
    public int TargetCount => _targets.Count;

    /// <param name="model">The module tree (UNet, text encoder, or a parent of both) whose layers get adapters.</param>
    public LoraAdapterSet(nn.Module model)
    {
        _modules = model.named_modules()
            .Where(m => m.module is nn.Module<Tensor, Tensor>)
            .ToDictionary(m => m.name, m => (nn.Module<Tensor, Tensor>)m.module, StringComparer.Ordinal);
    }

    /// <summary>Registers a LoRA; returns its index for <see cref="ActiveAdapter.Lora"/>.</summary>
    public int AddLora(string name, IEnumerable<KeyValuePair<string, AdapterFactors>> layers)
    {
        int index = _loraNames.Count;
        var missing = new List<string>();
        foreach (var (path, factors) in layers)
        {
            if (!_modules.TryGetValue(path, out var module))
            {
                missing.Add(path);
                factors.Dispose();
                continue;
            }
            if (!_targets.TryGetValue(path, out var target))
                _targets[path] = target = new AdapterTarget(this, path, module);
            target.Add(index, factors);
        }
        if (missing.Count > 0)
            throw new ArgumentException($"LoRA '{name}' targets layers the model does not have: {string.Join(", ", missing.Take(10))}" +
                                        (missing.Count > 10 ? $" and {missing.Count - 10} more" : ""));
        _loraNames.Add(name);
        return index;
    }

    /// <summary>The number of layers LoRA <paramref name="lora"/> adapts.</summary>
    public int LayerCount(int lora) => _targets.Values.Count(t => t.Has(lora));

    /// <summary>Folds the given adapters into the weights (W ← W + Σ w·ΔW); runtime adapters are off until <see cref="Restore"/>.</summary>
    public void Merge(IReadOnlyList<ActiveAdapter> adapters)
    {
        if (_merged) throw new InvalidOperationException("adapters are already merged; restore first");
        foreach (var target in _targets.Values) target.Merge(adapters);
        _merged = true;
    }

    /// <summary>Restores every merged weight to its exact original value.</summary>
    public void Restore()
    {
        foreach (var target in _targets.Values) target.Restore();
        _merged = false;
    }

    public void Dispose()
    {
        Active = AdapterMix.None;
        foreach (var target in _targets.Values) target.Dispose();
        _targets.Clear();
    }
}
