using CMLoRA.Engine.Lora;
using TorchSharp;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Adapters;

/// <summary>
/// Turns a parsed LoRA file into runtime adapters on a UNet and a text encoder: every module is resolved against
/// the live model (module path with '.'→'_'), low-rank LoRA/LoCon factors stay low-rank, and LoHa, LoKr and DoRA
/// are expanded to a dense ΔW once (for DoRA: D − W, so the user's weight interpolates exactly like the reference).
/// </summary>
public static class LoraAttachment
{
    /// <summary>The layer descriptors of a model for <see cref="LoraKeyResolver"/>.</summary>
    public static IReadOnlyList<LoraTarget> TargetsOf(nn.Module model, LoraComponent component) =>
        LoraTarget.FromStateDict(component, model.named_parameters().Select(p => (p.name, p.parameter.shape)));

    /// <summary>
    /// Adds <paramref name="lora"/> to <paramref name="unetAdapters"/> and (when given) <paramref name="textAdapters"/>;
    /// returns the LoRA's index, the same in both sets. Unresolvable modules are an error naming them.
    /// </summary>
    public static int Attach(LoraModel lora, nn.Module unet, LoraAdapterSet unetAdapters, nn.Module? textEncoder = null,
        LoraAdapterSet? textAdapters = null, Device? device = null, ScalarType dtype = ScalarType.Float32)
    {
        var targets = TargetsOf(unet, LoraComponent.Unet).ToList();
        if (textEncoder is not null) targets.AddRange(TargetsOf(textEncoder, LoraComponent.TextEncoder));
        var resolution = LoraKeyResolver.Resolve(lora, targets);
        var skippedText = textEncoder is null
            ? resolution.UnmatchedKeys.Where(k => lora.Modules.Any(m => m.SourceKey == k && m.Component == LoraComponent.TextEncoder)).ToHashSet()
            : [];
        new LoraResolution(resolution.Modules, resolution.UnmatchedKeys.Where(k => !skippedText.Contains(k)).ToList(),
            resolution.ShapeMismatches).EnsureComplete(lora.Name);

        var unetLayers = new Dictionary<string, AdapterFactors>();
        var textLayers = new Dictionary<string, AdapterFactors>();
        var parameters = unet.named_parameters().Concat(textEncoder?.named_parameters() ?? []).ToDictionary(p => p.name, p => p.parameter);
        foreach (var (module, target) in resolution.Modules)
        {
            var factors = BuildFactors(module, target, parameters[target.ModulePath + ".weight"], device, dtype);
            (target.Component == LoraComponent.Unet ? unetLayers : textLayers)[target.ModulePath] = factors;
        }
        int index = unetAdapters.AddLora(lora.Name, unetLayers);
        if (textAdapters is not null)
        {
            int textIndex = textAdapters.AddLora(lora.Name, textLayers);
            if (textIndex != index)
                throw new InvalidOperationException($"LoRA '{lora.Name}' got index {index} in the UNet set but {textIndex} in the text-encoder set");
        }
        else
        {
            foreach (var factors in textLayers.Values) factors.Dispose();
        }
        return index;
    }

    private static AdapterFactors BuildFactors(LoraModuleWeights module, LoraTarget target, Tensor baseWeight, Device? device, ScalarType dtype)
    {
        Tensor Place(Tensor t)
        {
            var placed = t.to(dtype, device ?? baseWeight.device);
            if (!ReferenceEquals(placed, t)) t.Dispose();
            return placed;
        }

        using var guard = no_grad();
        if (module.IsDora)
        {
            using var weight = baseWeight.detach().to(ScalarType.Float32, CPU);
            using var delta = module.DeltaWeight(1.0, target.WeightShape);
            using var dora = module.ApplyDora(weight, delta);
            return AdapterFactors.Dense(Place(dora - weight));
        }
        if (module.Algorithm != LoraAlgorithm.LoRA)
            return AdapterFactors.Dense(Place(module.DeltaWeight(1.0, target.WeightShape)));

        var down = Place(module.ReadFactor(LoraFactor.Down));
        var up = Place(module.ReadFactor(LoraFactor.Up));
        Tensor? mid = module.Factors.ContainsKey(LoraFactor.Mid) ? Place(module.ReadFactor(LoraFactor.Mid)) : null;
        if (target.Kind == ModuleKind.Conv2d)
        {
            // PEFT stores 1×1 conv factors as [r,in,1,1]/[out,r,1,1]; flat (linear-shaped) factors get the conv dims.
            if (down.dim() == 2) down = ReshapeOwned(down, [down.shape[0], down.shape[1], 1, 1]);
            if (up.dim() == 2) up = ReshapeOwned(up, [up.shape[0], up.shape[1], 1, 1]);
        }
        else
        {
            if (down.dim() == 4) down = ReshapeOwned(down, [down.shape[0], down.shape[1]]);
            if (up.dim() == 4) up = ReshapeOwned(up, [up.shape[0], up.shape[1]]);
        }
        return AdapterFactors.LowRank(down, up, (float)module.Scale, mid);
    }

    private static Tensor ReshapeOwned(Tensor tensor, long[] shape)
    {
        var reshaped = tensor.reshape(shape).contiguous();
        tensor.Dispose();
        return reshaped;
    }
}
