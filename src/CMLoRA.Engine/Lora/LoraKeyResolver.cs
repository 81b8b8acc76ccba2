namespace CMLoRA.Engine.Lora;

/// <summary>
/// Resolves LoRA modules to layers of our model the way A1111 and ComfyUI do: build the map
/// (component, module path with '.' → '_') → layer from the model itself, then look every normalised LoRA key up in it.
/// No name arithmetic, so it works for any module tree that keeps diffusers/transformers module paths.
/// </summary>
public static class LoraKeyResolver
{
    /// <summary>
    /// The lookup map. Two module paths that normalise to the same key (<c>a_b.c</c> and <c>a.b_c</c>) would make
    /// kohya names ambiguous, so that is an error.
    /// </summary>
    public static IReadOnlyDictionary<LoraTargetKey, LoraTarget> BuildMap(IEnumerable<LoraTarget> targets)
    {
        var map = new Dictionary<LoraTargetKey, LoraTarget>();
        foreach (var target in targets)
        {
            if (map.TryGetValue(target.Key, out var existing))
                throw new ArgumentException(
                    $"module paths '{existing.ModulePath}' and '{target.ModulePath}' of the {target.Component} both normalise to '{target.Key.Name}'",
                    nameof(targets));
            map[target.Key] = target;
        }
        return map;
    }

    /// <summary>Resolves every module of <paramref name="lora"/> against <paramref name="targets"/>.</summary>
    public static LoraResolution Resolve(LoraModel lora, IEnumerable<LoraTarget> targets) => Resolve(lora.Modules, targets);

    /// <summary>Resolves <paramref name="modules"/> against <paramref name="targets"/>; nothing is thrown for misses.</summary>
    public static LoraResolution Resolve(IEnumerable<LoraModuleWeights> modules, IEnumerable<LoraTarget> targets)
    {
        var map = BuildMap(targets);
        var resolved = new List<ResolvedModule>();
        var unmatched = new List<string>();
        var mismatched = new List<string>();
        foreach (var module in modules)
        {
            if (!map.TryGetValue(module.Target, out var target))
            {
                unmatched.Add(module.SourceKey);
                continue;
            }
            if (!module.IsCompatibleWith(target.WeightShape))
            {
                mismatched.Add($"'{module.SourceKey}' multiplies out to [{string.Join(",", module.DeltaShape)}] but '{target.ModulePath}.weight' is [{string.Join(",", target.WeightShape)}]");
                continue;
            }
            resolved.Add(new ResolvedModule(module, target));
        }
        return new LoraResolution(resolved, unmatched, mismatched);
    }
}
