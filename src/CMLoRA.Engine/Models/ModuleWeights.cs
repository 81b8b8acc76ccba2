using System.Text;
using CMLoRA.Engine.Tensors;
using TorchSharp;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Models;

/// <summary>
/// Fills a module's parameters and buffers from a safetensors file, one tensor at a time, straight into the
/// existing parameter memory (converting dtype, e.g. fp16 → fp32, and moving to the parameter's device per tensor),
/// so a model is never held twice.
/// </summary>
public static class ModuleWeights
{
    private const int ListedKeys = 20;

    /// <summary>
    /// Loads every file tensor whose (mapped) name is a key of <paramref name="module"/>'s state dict.
    /// </summary>
    /// <param name="keyMap">maps a file key to a module key; return null to skip a file key silently
    /// (e.g. keys of another component in a single-file checkpoint). Null means identity.</param>
    /// <param name="strict">throw <see cref="WeightLoadException"/> listing the keys when any module key is missing
    /// or any file key is unexpected; otherwise load what matches and report the rest.</param>
    /// <exception cref="WeightLoadException">strict key mismatch, a shape mismatch, or two file keys mapping to one module key.</exception>
    public static WeightLoadReport LoadFrom(nn.Module module, SafetensorsFile file, Func<string, string?>? keyMap = null,
        bool strict = true)
    {
        var targets = module.state_dict();
        var sources = new Dictionary<string, string>(StringComparer.Ordinal); // module key → file key
        var unexpected = new List<string>();
        foreach (var entry in file.Entries)
        {
            string? key = keyMap is null ? entry.Name : keyMap(entry.Name);
            if (key is null) continue;
            if (!targets.TryGetValue(key, out var target))
            {
                unexpected.Add(key == entry.Name ? key : $"{key} (file key {entry.Name})");
                continue;
            }
            if (!sources.TryAdd(key, entry.Name))
                throw new WeightLoadException(
                    $"{Name(file)}: file keys '{sources[key]}' and '{entry.Name}' both map to module key '{key}'");
            if (!entry.Shape.SequenceEqual(target.shape))
                throw new WeightLoadException(
                    $"{Name(file)}: '{entry.Name}' has shape {entry.ShapeText} but module key '{key}' is [{string.Join(",", target.shape)}]");
        }
        var missing = targets.Keys.Where(k => !sources.ContainsKey(k)).ToList();
        var report = new WeightLoadReport(sources.Keys.ToList(), missing, unexpected);
        if (strict && !report.IsComplete)
            throw new WeightLoadException(Describe(file, module, report), report);

        using var guard = no_grad();
        foreach (var (key, fileKey) in sources)
            file.ReadInto(fileKey, targets[key]);
        return report;
    }

    private static string Name(SafetensorsFile file) => Path.GetFileName(file.Path);

    private static string Describe(SafetensorsFile file, nn.Module module, WeightLoadReport report)
    {
        var text = new StringBuilder();
        text.Append($"{Name(file)} does not match {module.GetName()}: ");
        text.Append($"{report.Missing.Count} missing and {report.Unexpected.Count} unexpected keys");
        AppendKeys(text, "missing", report.Missing);
        AppendKeys(text, "unexpected", report.Unexpected);
        return text.ToString();
    }

    private static void AppendKeys(StringBuilder text, string label, IReadOnlyList<string> keys)
    {
        if (keys.Count == 0) return;
        text.Append($"\n{label}: ").Append(string.Join(", ", keys.Take(ListedKeys)));
        if (keys.Count > ListedKeys) text.Append($", … ({keys.Count - ListedKeys} more)");
    }
}
