using CMLoRA.Engine.Tensors;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Lora;

/// <summary>The tensors of one module, gathered while reading the header.</summary>
internal sealed class LoraModuleGroup(string moduleKey, LoraTargetKey target, string modulePath, LoraNaming naming)
{
    public string ModuleKey { get; } = moduleKey;
    public LoraTargetKey Target { get; } = target;
    public string ModulePath { get; } = modulePath;
    public LoraNaming Naming { get; } = naming;
    public Dictionary<LoraFactor, SafetensorsEntry> Factors { get; } = [];
    public SafetensorsEntry? Alpha { get; set; }
}

/// <summary>
/// Validates one module's tensors against the shapes its algorithm needs, and works out rank, alpha and scale.
/// Every failure names the module and the tensors involved.
/// </summary>
internal static class LoraModuleBuilder
{
    private static readonly LoraFactor[] LoRAFactors = [LoraFactor.Down, LoraFactor.Up, LoraFactor.Mid];
    private static readonly LoraFactor[] LoHaFactors = [LoraFactor.HadaW1A, LoraFactor.HadaW1B, LoraFactor.HadaW2A, LoraFactor.HadaW2B, LoraFactor.HadaT1, LoraFactor.HadaT2];
    private static readonly LoraFactor[] LoKrFactors = [LoraFactor.LokrW1, LoraFactor.LokrW1A, LoraFactor.LokrW1B, LoraFactor.LokrW2, LoraFactor.LokrW2A, LoraFactor.LokrW2B, LoraFactor.LokrT2];

    public static LoraModuleWeights Build(SafetensorsFile file, LoraModuleGroup group, PeftAdapterConfig? peft)
    {
        var f = group.Factors;
        bool lora = LoRAFactors.Any(f.ContainsKey), loha = LoHaFactors.Any(f.ContainsKey), lokr = LoKrFactors.Any(f.ContainsKey);
        int families = (lora ? 1 : 0) + (loha ? 1 : 0) + (lokr ? 1 : 0);
        if (families == 0)
            throw Malformed(group, "has no weight tensors, only " + string.Join(" and ", StoredSuffixes(group)));
        if (families > 1)
            throw Malformed(group, "mixes LoRA, LoHa and LoKr tensors: " + string.Join(", ", StoredSuffixes(group)));

        var (algorithm, rank, deltaShape) = lora ? CheckLoRA(group) : loha ? CheckLoHa(group) : CheckLoKr(group);
        DoraAxis? axis = f.TryGetValue(LoraFactor.DoraScale, out var dora) ? DoraAxisOf(group, dora, deltaShape) : null;

        double? stored = group.Alpha is { } alphaEntry ? ReadAlpha(file, group, alphaEntry) : null;
        bool fromAdapterConfig = stored is null && group.Naming == LoraNaming.Diffusers && peft is not null;
        if (fromAdapterConfig) stored = peft!.AlphaFor(group.Target.Component, group.ModulePath);
        bool rsLora = group.Naming == LoraNaming.Diffusers && peft?.UsesRsLora(group.Target.Component) == true;

        // kohya and LyCORIS treat a missing or zero alpha as "alpha = rank", i.e. scale 1.
        double alpha = stored is { } a && a != 0 ? a : rank;
        double scale = rank == 0 ? 1.0 : alpha / (rsLora ? Math.Sqrt(rank) : rank);
        return new LoraModuleWeights(file, group.ModuleKey, group.Target, group.Naming, algorithm,
            new Dictionary<LoraFactor, SafetensorsEntry>(f), rank, stored, alpha, scale, deltaShape, axis);
    }

    private static (LoraAlgorithm, int, long[]) CheckLoRA(LoraModuleGroup group)
    {
        var f = group.Factors;
        if (!f.TryGetValue(LoraFactor.Down, out var down))
            throw Malformed(group, $"has '{Suffix(group, f.GetValueOrDefault(LoraFactor.Up) ?? f[LoraFactor.Mid])}' but no lora_down.weight (or lora_A.weight)");
        if (!f.TryGetValue(LoraFactor.Up, out var up))
            throw Malformed(group, $"has '{Suffix(group, down)}' but no {(Suffix(group, down) == "lora_A.weight" ? "lora_B.weight" : "lora_up.weight")}");
        RequireRank(group, down, 2, 4);
        RequireRank(group, up, 2, 4);
        long rank = down.Shape[0];
        if (rank == 0) throw Malformed(group, $"has rank 0 ('{Suffix(group, down)}' is {down.ShapeText})");
        if (up.Shape[1] != rank)
            throw Malformed(group, $"'{Suffix(group, down)}' {down.ShapeText} has rank {rank} but '{Suffix(group, up)}' {up.ShapeText} has rank {up.Shape[1]}");
        if (up.Shape.Length == 4 && (up.Shape[2] != 1 || up.Shape[3] != 1))
            throw Malformed(group, $"'{Suffix(group, up)}' {up.ShapeText} must be a 1×1 convolution");
        long output = up.Shape[0];
        if (f.TryGetValue(LoraFactor.Mid, out var mid))
        {
            if (mid.Shape.Length != 4 || mid.Shape[0] != rank || mid.Shape[1] != rank)
                throw Malformed(group, $"'{Suffix(group, mid)}' {mid.ShapeText} must be [{rank},{rank},kh,kw] for rank {rank}");
            if (down.Shape.Length == 4 && (down.Shape[2] != 1 || down.Shape[3] != 1))
                throw Malformed(group, $"'{Suffix(group, down)}' {down.ShapeText} must be 1×1 when a lora_mid core is present");
            return (LoraAlgorithm.LoRA, (int)rank, [output, down.Shape[1], mid.Shape[2], mid.Shape[3]]);
        }
        long[] shape = down.Shape.Length == 4 ? [output, down.Shape[1], down.Shape[2], down.Shape[3]] : [output, down.Shape[1]];
        return (LoraAlgorithm.LoRA, (int)rank, shape);
    }

    private static (LoraAlgorithm, int, long[]) CheckLoHa(LoraModuleGroup group)
    {
        var w1a = Require(group, LoraFactor.HadaW1A, "hada_w1_a");
        var w1b = Require(group, LoraFactor.HadaW1B, "hada_w1_b");
        var w2a = Require(group, LoraFactor.HadaW2A, "hada_w2_a");
        var w2b = Require(group, LoraFactor.HadaW2B, "hada_w2_b");
        bool t1 = group.Factors.TryGetValue(LoraFactor.HadaT1, out var core1);
        bool t2 = group.Factors.TryGetValue(LoraFactor.HadaT2, out var core2);
        if (t1 != t2) throw Malformed(group, "has only one of hada_t1 and hada_t2");
        foreach (var entry in new[] { w1a, w1b, w2a, w2b }) RequireRank(group, entry, 2);
        long rank = w1b.Shape[0];
        if (!t1)
        {
            if (w1a.Shape[1] != rank || w2a.Shape[1] != w2b.Shape[0] || w1a.Shape[0] != w2a.Shape[0] || w1b.Shape[1] != w2b.Shape[1])
                throw Malformed(group, $"LoHa factors do not fit together: hada_w1_a {w1a.ShapeText}, hada_w1_b {w1b.ShapeText}, hada_w2_a {w2a.ShapeText}, hada_w2_b {w2b.ShapeText}");
            return (LoraAlgorithm.LoHa, (int)rank, [w1a.Shape[0], w1b.Shape[1]]);
        }
        RequireRank(group, core1!, 4);
        RequireRank(group, core2!, 4);
        // Tucker form: w*_a is [r, out] and w*_b is [r, in]; the cores carry the kernel.
        if (w1a.Shape[0] != rank || core1!.Shape[0] != rank || core1.Shape[1] != rank || w2a.Shape[0] != w2b.Shape[0]
            || core2!.Shape[0] != w2a.Shape[0] || core2.Shape[1] != w2b.Shape[0] || w1a.Shape[1] != w2a.Shape[1]
            || w1b.Shape[1] != w2b.Shape[1] || core1.Shape[2] != core2.Shape[2] || core1.Shape[3] != core2.Shape[3])
            throw Malformed(group, $"LoHa Tucker factors do not fit together: hada_t1 {core1!.ShapeText}, hada_w1_a {w1a.ShapeText}, hada_w1_b {w1b.ShapeText}, hada_t2 {core2!.ShapeText}, hada_w2_a {w2a.ShapeText}, hada_w2_b {w2b.ShapeText}");
        return (LoraAlgorithm.LoHa, (int)rank, [w1a.Shape[1], w1b.Shape[1], core1.Shape[2], core1.Shape[3]]);
    }

    private static (LoraAlgorithm, int, long[]) CheckLoKr(LoraModuleGroup group)
    {
        var f = group.Factors;
        long a, c, rank = 0;
        if (f.TryGetValue(LoraFactor.LokrW1, out var w1))
        {
            RequireRank(group, w1, 2);
            (a, c) = (w1.Shape[0], w1.Shape[1]);
        }
        else
        {
            var w1a = Require(group, LoraFactor.LokrW1A, "lokr_w1 or lokr_w1_a");
            var w1b = Require(group, LoraFactor.LokrW1B, "lokr_w1_b");
            RequireRank(group, w1a, 2);
            RequireRank(group, w1b, 2);
            if (w1a.Shape[1] != w1b.Shape[0])
                throw Malformed(group, $"lokr_w1_a {w1a.ShapeText} and lokr_w1_b {w1b.ShapeText} have different ranks");
            (a, c, rank) = (w1a.Shape[0], w1b.Shape[1], w1b.Shape[0]);
        }
        long b, d;
        long[] kernel = [];
        if (f.TryGetValue(LoraFactor.LokrW2, out var w2))
        {
            RequireRank(group, w2, 2, 4);
            (b, d) = (w2.Shape[0], w2.Shape[1]);
            if (w2.Shape.Length == 4) kernel = [w2.Shape[2], w2.Shape[3]];
        }
        else
        {
            var w2a = Require(group, LoraFactor.LokrW2A, "lokr_w2 or lokr_w2_a");
            var w2b = Require(group, LoraFactor.LokrW2B, "lokr_w2_b");
            RequireRank(group, w2a, 2);
            RequireRank(group, w2b, 2);
            rank = w2b.Shape[0];
            if (f.TryGetValue(LoraFactor.LokrT2, out var t2))
            {
                RequireRank(group, t2, 4);
                if (w2a.Shape[0] != rank || t2.Shape[0] != rank || t2.Shape[1] != rank)
                    throw Malformed(group, $"LoKr Tucker factors do not fit together: lokr_t2 {t2.ShapeText}, lokr_w2_a {w2a.ShapeText}, lokr_w2_b {w2b.ShapeText}");
                (b, d, kernel) = (w2a.Shape[1], w2b.Shape[1], [t2.Shape[2], t2.Shape[3]]);
            }
            else
            {
                if (w2a.Shape[1] != rank)
                    throw Malformed(group, $"lokr_w2_a {w2a.ShapeText} and lokr_w2_b {w2b.ShapeText} have different ranks");
                (b, d) = (w2a.Shape[0], w2b.Shape[1]);
            }
        }
        long[] shape = kernel.Length == 2 ? [a * b, c * d, kernel[0], kernel[1]] : [a * b, c * d];
        return (LoraAlgorithm.LoKr, (int)rank, shape);
    }

    private static DoraAxis DoraAxisOf(LoraModuleGroup group, SafetensorsEntry dora, long[] deltaShape)
    {
        long[] s = dora.Shape;
        long output = deltaShape[0], input = deltaShape[1];
        if (s.Length == 1 && s[0] == output) return DoraAxis.Output;
        if (s.Length >= 2 && s[0] == output && s.Skip(1).All(x => x == 1)) return DoraAxis.Output;
        // A flattened LoHa/LoKr conv keeps in·kh·kw in its second axis, so the input magnitude need only divide it.
        if (s.Length >= 2 && s[0] == 1 && s.Skip(2).All(x => x == 1) && s[1] > 0 && (s[1] == input || (deltaShape.Length == 2 && input % s[1] == 0)))
            return DoraAxis.Input;
        throw Malformed(group, $"'{Suffix(group, dora)}' {dora.ShapeText} fits neither the output axis ([{output},1]) nor the input axis ([1,{input}]) of its [{string.Join(",", deltaShape)}] update");
    }

    private static double ReadAlpha(SafetensorsFile file, LoraModuleGroup group, SafetensorsEntry entry)
    {
        if (entry.ElementCount != 1)
            throw Malformed(group, $"'{Suffix(group, entry)}' must be a single number but has shape {entry.ShapeText}");
        using var tensor = file.ReadTensor(entry.Name, ScalarType.Float32);
        double value = tensor.item<float>();
        if (!double.IsFinite(value))
            throw Malformed(group, $"alpha is {value}");
        return value;
    }

    private static SafetensorsEntry Require(LoraModuleGroup group, LoraFactor factor, string what) =>
        group.Factors.TryGetValue(factor, out var entry)
            ? entry
            : throw Malformed(group, $"has {string.Join(", ", StoredSuffixes(group))} but no {what}");

    private static void RequireRank(LoraModuleGroup group, SafetensorsEntry entry, params int[] ranks)
    {
        if (!ranks.Contains(entry.Shape.Length))
            throw Malformed(group, $"'{Suffix(group, entry)}' has shape {entry.ShapeText}; expected a {string.Join(" or ", ranks)}-D tensor");
    }

    private static IEnumerable<string> StoredSuffixes(LoraModuleGroup group) =>
        group.Factors.Values.Append(group.Alpha).OfType<SafetensorsEntry>().Select(e => Suffix(group, e)).Order(StringComparer.Ordinal);

    private static string Suffix(LoraModuleGroup group, SafetensorsEntry entry) => entry.Name[(group.ModuleKey.Length + 1)..];

    private static LoraFormatException Malformed(LoraModuleGroup group, string problem) =>
        new(LoraErrorKind.Malformed, $"LoRA module '{group.ModuleKey}' {problem}", [group.ModuleKey]);
}
