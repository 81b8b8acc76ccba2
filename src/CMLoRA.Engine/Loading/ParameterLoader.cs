using System.Text;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Loading;

/// <summary>
/// Streams tensors from safetensors files into a module's parameters, one tensor at a time, after checking that the
/// bindings cover the module's state dict exactly once with matching shapes.
/// </summary>
public static class ParameterLoader
{
    private const int ListedNames = 8;

    /// <summary>
    /// Fills every parameter and persistent buffer of <paramref name="module"/> from <paramref name="bindings"/>.
    /// Nothing is read unless every check passes, so a refused load leaves the module untouched.
    /// </summary>
    /// <param name="component">Names the component in error messages (for example <c>text_encoder</c>); the messages
    /// also name the files the bindings read.</param>
    /// <returns>The number of tensors loaded.</returns>
    /// <exception cref="CheckpointLoadException">a parameter has no tensor, a tensor has no parameter, a parameter
    /// is bound twice, or a shape does not match.</exception>
    public static int Load(nn.Module module, IEnumerable<WeightBinding> bindings, string component)
    {
        var targets = module.state_dict();
        var files = new List<string>();
        var chosen = new Dictionary<string, WeightBinding>(StringComparer.Ordinal);
        var unexpected = new List<string>();
        var duplicates = new List<string>();
        var badShapes = new List<string>();
        foreach (var binding in bindings)
        {
            if (!files.Contains(binding.File.Path)) files.Add(binding.File.Path);
            if (!targets.TryGetValue(binding.TargetKey, out var target))
            {
                unexpected.Add(Describe(binding));
                continue;
            }
            if (!chosen.TryAdd(binding.TargetKey, binding))
            {
                duplicates.Add($"{binding.TargetKey} (from {chosen[binding.TargetKey].SourceKey} and {binding.SourceKey})");
                continue;
            }
            var expected = binding.ExpectedSourceShape(target.shape);
            var stored = binding.File[binding.SourceKey].Shape;
            if (!stored.SequenceEqual(expected))
                badShapes.Add($"{binding.SourceKey} is [{string.Join(",", stored)}] but {binding.TargetKey} needs [{string.Join(",", expected)}]");
        }
        var missing = targets.Keys.Where(key => !chosen.ContainsKey(key)).ToList();

        if (missing.Count + unexpected.Count + duplicates.Count + badShapes.Count > 0)
            throw new CheckpointLoadException(Report(component, files, missing, unexpected, duplicates, badShapes));

        using var guard = no_grad();
        foreach (var (key, binding) in chosen)
        {
            var target = targets[key];
            binding.File.ReadInto(binding.SourceKey, target, binding.ExpectedSourceShape(target.shape));
        }
        return chosen.Count;
    }

    private static string Describe(WeightBinding binding) =>
        binding.TargetKey == binding.SourceKey ? binding.TargetKey : $"{binding.TargetKey} (from {binding.SourceKey})";

    private static string Report(string component, List<string> files, List<string> missing, List<string> unexpected,
        List<string> duplicates, List<string> badShapes)
    {
        string source = files.Count == 0 ? "" : $" in {string.Join(" and ", files.Select(f => $"'{f}'"))}";
        var text = new StringBuilder($"{component}: the weights{source} do not fit the model.");
        Section(text, "parameters with no tensor in the checkpoint", missing);
        Section(text, "tensors with no parameter in the model", unexpected);
        Section(text, "parameters given more than once", duplicates);
        Section(text, "shape mismatches", badShapes);
        return text.ToString();
    }

    private static void Section(StringBuilder text, string title, List<string> names)
    {
        if (names.Count == 0) return;
        text.Append($" {names.Count} {title}: ").AppendJoin(", ", names.Take(ListedNames));
        if (names.Count > ListedNames) text.Append($", … ({names.Count - ListedNames} more)");
        text.Append('.');
    }
}
