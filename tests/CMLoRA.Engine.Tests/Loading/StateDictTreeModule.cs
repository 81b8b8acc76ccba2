using CMLoRA.Engine.Tensors;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Tests.Loading;

/// <summary>
/// A module whose state dict is any given set of dotted names and shapes (zero-filled). It stands in for the UNet and
/// VAE classes, which live on another branch, so the loaders can be tested on the fixture's full key sets.
/// </summary>
internal sealed class StateDictTreeModule : nn.Module
{
    private readonly Dictionary<string, StateDictTreeModule> _children = new(StringComparer.Ordinal);

    private StateDictTreeModule(string name) : base(name) { }

    public static StateDictTreeModule FromShapes(IEnumerable<(string Key, long[] Shape)> parameters)
    {
        var root = new StateDictTreeModule("root");
        foreach (var (key, shape) in parameters)
        {
            var parts = key.Split('.');
            var node = root;
            foreach (var part in parts[..^1]) node = node.Child(part);
            node.register_parameter(parts[^1], nn.Parameter(zeros(shape)));
        }
        return root;
    }

    /// <summary>The names and shapes of a safetensors file.</summary>
    public static StateDictTreeModule FromFile(string path)
    {
        using var file = SafetensorsFile.Open(path);
        return FromShapes(file.Entries.Select(e => (e.Name, e.Shape)));
    }

    private StateDictTreeModule Child(string name)
    {
        if (_children.TryGetValue(name, out var child)) return child;
        child = new StateDictTreeModule(name);
        _children[name] = child;
        register_module(name, child);
        return child;
    }
}
