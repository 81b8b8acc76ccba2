using CMLoRA.Engine.Tensors;

namespace CMLoRA.Engine.Loading;

/// <summary>Turns the tensors of a file into <see cref="WeightBinding"/>s for the components they belong to.</summary>
internal static class ComponentBindings
{
    /// <summary>A diffusers/transformers component file: names are already parameter names, up to <see cref="DiffusersKeyRules"/>.</summary>
    public static List<WeightBinding> FromDiffusersFile(SafetensorsFile file, ModelComponent component, List<string> ignored)
    {
        var bindings = new List<WeightBinding>(file.Entries.Count);
        foreach (var entry in file.Entries)
        {
            if (DiffusersKeyRules.Normalize(component, entry.Name, out _) is { } key)
                bindings.Add(new WeightBinding(key, file, entry.Name));
            else
                ignored.Add(entry.Name);
        }
        return bindings;
    }

    /// <summary>A single-file (LDM) checkpoint: every key goes through <paramref name="mapper"/>.</summary>
    public static Dictionary<ModelComponent, List<WeightBinding>> FromLdmFile(
        SafetensorsFile file, LdmKeyMapper mapper, List<string> ignored, List<string> unknown)
    {
        var byComponent = Enum.GetValues<ModelComponent>().ToDictionary(c => c, _ => new List<WeightBinding>());
        foreach (var entry in file.Entries)
        {
            var mapping = mapper.Map(entry.Name);
            switch (mapping.Status)
            {
                case LdmKeyStatus.Mapped:
                    byComponent[mapping.Component!.Value].Add(new WeightBinding(mapping.DiffusersKey!, file, entry.Name, mapping.Reshape));
                    break;
                case LdmKeyStatus.Ignored:
                    ignored.Add(entry.Name);
                    break;
                default:
                    unknown.Add(entry.Name);
                    break;
            }
        }
        return byComponent;
    }

    /// <summary>
    /// A stand-alone VAE file in LDM naming (with or without <c>first_stage_model.</c>). Tensors of other components
    /// (a whole checkpoint given as the VAE) are ignored.
    /// </summary>
    public static List<WeightBinding> FromLdmVaeFile(SafetensorsFile file, List<string> ignored, List<string> unknown)
    {
        var mapper = LdmKeyMapper.InferFrom(file.Names);
        var bindings = new List<WeightBinding>();
        foreach (var entry in file.Entries)
        {
            var mapping = mapper.MapVaeKey(entry.Name);
            if (mapping.Status == LdmKeyStatus.Unknown && mapper.Map(entry.Name) is { Status: not LdmKeyStatus.Unknown } whole)
                mapping = whole;
            if (mapping is { Status: LdmKeyStatus.Mapped, Component: ModelComponent.Vae })
                bindings.Add(new WeightBinding(mapping.DiffusersKey!, file, entry.Name, mapping.Reshape));
            else if (mapping.Status == LdmKeyStatus.Unknown)
                unknown.Add(entry.Name);
            else
                ignored.Add(entry.Name);
        }
        return bindings;
    }

    /// <summary>True when the VAE file uses diffusers module names rather than LDM ones.</summary>
    public static bool HasDiffusersVaeNames(SafetensorsFile file) =>
        file.Names.Any(name => name.Contains("mid_block.", StringComparison.Ordinal)
                               || name.Contains("down_blocks.", StringComparison.Ordinal)
                               || name.Contains("up_blocks.", StringComparison.Ordinal));
}
