using CMLoRA.Engine.Tensors;

namespace CMLoRA.Engine.Lora;

/// <summary>
/// Opens LoRA safetensors files in kohya naming (<c>lora_unet_*</c>/<c>lora_te_*</c>) or diffusers/PEFT naming
/// (<c>unet.*</c>/<c>text_encoder.*</c>), with LoRA, LoCon, LoHa, LoKr and DoRA modules. Everything else is refused
/// with a <see cref="LoraFormatException"/> naming the keys; pickles and malformed files with a
/// <see cref="SafetensorsFormatException"/>. See docs/lora-formats.md.
/// </summary>
public static class LoraFile
{
    /// <summary>Reads and validates the header, groups tensors into modules and reads their alphas; factors stay on disk.</summary>
    public static LoraModel Open(string path)
    {
        var file = SafetensorsFile.Open(path);
        try
        {
            return Parse(file);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    private static LoraModel Parse(SafetensorsFile file)
    {
        string fileName = Path.GetFileName(file.Path);
        var baseModel = BaseModelDetector.Detect(file.Entries, file.Metadata);
        if (!baseModel.IsSd1Compatible)
            throw new LoraFormatException(LoraErrorKind.IncompatibleBaseModel,
                $"{fileName} is a LoRA for {baseModel.DisplayName}, not Stable Diffusion 1.x: {string.Join("; ", baseModel.Evidence)}. " +
                "CMLoRA Studio runs SD 1.x models (cross-attention width 768), so this LoRA cannot be applied; use one trained for SD 1.5.");

        var groups = new Dictionary<string, LoraModuleGroup>(StringComparer.Ordinal);
        var unsupported = new List<string>();
        foreach (var entry in file.Entries)
        {
            if (!LoraKeyParser.TryParse(entry.Name, out var key) || !LoraKeyParser.IsSupportedSuffix(key.Suffix)
                || key.Prefix is not (LoraKeyPrefix.Unet or LoraKeyPrefix.TextEncoder))
            {
                unsupported.Add(entry.Name);
                continue;
            }
            if (!groups.TryGetValue(key.ModuleKey, out var group))
            {
                var component = key.Prefix == LoraKeyPrefix.Unet ? LoraComponent.Unet : LoraComponent.TextEncoder;
                groups[key.ModuleKey] = group = new LoraModuleGroup(key.ModuleKey, new LoraTargetKey(component, key.Name), key.ModulePath, key.Naming);
            }
            if (key.Suffix == LoraKeyParser.AlphaSuffix) group.Alpha = entry;
            else if (!group.Factors.TryAdd(LoraKeyParser.Factors[key.Suffix], entry))
                throw new LoraFormatException(LoraErrorKind.Malformed,
                    $"{fileName}: LoRA module '{key.ModuleKey}' stores its {LoraKeyParser.Factors[key.Suffix]} factor twice ('{group.Factors[LoraKeyParser.Factors[key.Suffix]].Name}' and '{entry.Name}')",
                    [group.Factors[LoraKeyParser.Factors[key.Suffix]].Name, entry.Name]);
        }
        if (unsupported.Count > 0)
            throw new LoraFormatException(LoraErrorKind.UnsupportedKeys,
                $"{fileName} has {unsupported.Count} key(s) this loader does not support: {LoraFormatException.ListKeys(unsupported)}." +
                LoraKeyParser.DescribeUnsupported(unsupported) +
                " Supported: kohya LoRA/LoCon/LoHa/LoKr/DoRA keys (lora_unet_*, lora_te_*) and diffusers/PEFT keys (unet.*, text_encoder.* with lora_A/lora_B).",
                unsupported);
        if (groups.Count == 0)
            throw new LoraFormatException(LoraErrorKind.Malformed, $"{fileName} contains no LoRA tensors");

        var duplicates = groups.Values.GroupBy(g => g.Target).Where(g => g.Count() > 1).ToList();
        if (duplicates.Count > 0)
        {
            var keys = duplicates.SelectMany(g => g.Select(m => m.ModuleKey)).ToList();
            throw new LoraFormatException(LoraErrorKind.Malformed,
                $"{fileName} patches the same module under several names: {LoraFormatException.ListKeys(keys)}", keys);
        }

        var warnings = new List<string>();
        var peft = PeftAdapterConfig.FromMetadata(file.Metadata, warnings);
        var modules = new List<LoraModuleWeights>(groups.Count);
        var errors = new List<LoraFormatException>();
        foreach (var group in groups.Values)
        {
            try { modules.Add(LoraModuleBuilder.Build(file, group, peft)); }
            catch (LoraFormatException e) { errors.Add(e); }
        }
        if (errors.Count > 0)
        {
            string shown = string.Join("; ", errors.Take(5).Select(e => e.Message));
            string more = errors.Count > 5 ? $"; and {errors.Count - 5} more module(s)" : "";
            throw new LoraFormatException(LoraErrorKind.Malformed, $"{fileName}: {shown}{more}", errors.SelectMany(e => e.Keys).ToList());
        }

        var metadata = LoraMetadataReader.Read(file.Metadata);
        if (warnings.Count > 0) metadata = metadata with { Warnings = [.. metadata.Warnings, .. warnings] };
        var namings = modules.Select(m => m.Naming).Distinct().ToList();
        var naming = namings.Count == 1 ? namings[0] : LoraNaming.Mixed;
        return new LoraModel(file, naming, metadata, baseModel, modules);
    }
}
