using CMLoRA.Engine.Tensors;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Lora;

/// <summary>
/// One module of a LoRA file: which model weight it patches, its factors (read lazily from the open file as float32)
/// and the numbers that scale them. <see cref="DeltaWeight"/> turns it into the additive update ΔW.
/// </summary>
public sealed class LoraModuleWeights
{
    private readonly SafetensorsFile _file;

    internal LoraModuleWeights(SafetensorsFile file, string sourceKey, LoraTargetKey target, LoraNaming naming,
        LoraAlgorithm algorithm, IReadOnlyDictionary<LoraFactor, SafetensorsEntry> factors, int rank, double? storedAlpha,
        double alpha, double scale, long[] deltaShape, DoraAxis? doraAxis)
    {
        _file = file;
        SourceKey = sourceKey;
        Target = target;
        Naming = naming;
        Algorithm = algorithm;
        Factors = factors;
        Rank = rank;
        StoredAlpha = storedAlpha;
        Alpha = alpha;
        Scale = scale;
        DeltaShape = deltaShape;
        DoraAxis = doraAxis;
    }

    /// <summary>The module key as stored in the file: <c>lora_unet_…_to_q</c> or <c>unet.….to_q</c>.</summary>
    public string SourceKey { get; }

    /// <summary>The normalised target: component plus module path with '.' → '_'.</summary>
    public LoraTargetKey Target { get; }

    public LoraComponent Component => Target.Component;

    public LoraNaming Naming { get; }

    public LoraAlgorithm Algorithm { get; }

    /// <summary>The stored factor tensors by role (shapes and dtypes are in the entries; data is read on demand).</summary>
    public IReadOnlyDictionary<LoraFactor, SafetensorsEntry> Factors { get; }

    /// <summary>The rank r (lora_down rows, hada_w1_b rows, LoKr low-rank factor rows); 0 for a full-matrix LoKr.</summary>
    public int Rank { get; }

    /// <summary>The alpha from the file (<c>.alpha</c> tensor or diffusers adapter metadata), or null when absent.</summary>
    public double? StoredAlpha { get; }

    /// <summary>The alpha in effect: the stored one, or r when it is absent or 0 (kohya and LyCORIS: "alpha is rank").</summary>
    public double Alpha { get; }

    /// <summary>
    /// The factor that multiplies the raw product: alpha / r (alpha / √r for rsLoRA adapter metadata). A full-matrix
    /// LoKr has no rank and scale 1 (LyCORIS ignores alpha there).
    /// </summary>
    public double Scale { get; }

    /// <summary>
    /// The shape the factors multiply out to: <c>[out, in]</c>, or <c>[out, in, kh, kw]</c> for conv factors. LoHa and LoKr
    /// without a Tucker core store conv factors flattened, so theirs is <c>[out, in·kh·kw]</c> until a target shape is given.
    /// </summary>
    public long[] DeltaShape { get; }

    /// <summary>The layer type the stored factors imply (flattened LoHa/LoKr conv factors read as Linear; the resolver's target is authoritative).</summary>
    public ModuleKind Kind => DeltaShape.Length == 4 ? ModuleKind.Conv2d : ModuleKind.Linear;

    public bool IsDora => DoraAxis is not null;

    /// <summary>The axis the DoRA magnitude applies to, or null for a module without DoRA.</summary>
    public DoraAxis? DoraAxis { get; }

    /// <summary>True for a LoCon <c>lora_mid</c> or a LoHa/LoKr Tucker core.</summary>
    public bool HasTuckerCore => Factors.ContainsKey(LoraFactor.Mid) || Factors.ContainsKey(LoraFactor.HadaT1) || Factors.ContainsKey(LoraFactor.LokrT2);

    /// <summary>Reads one factor from the file as a new float32 CPU tensor (the caller disposes it).</summary>
    public Tensor ReadFactor(LoraFactor factor) =>
        Factors.TryGetValue(factor, out var entry)
            ? _file.ReadTensor(entry.Name, ScalarType.Float32)
            : throw new KeyNotFoundException($"LoRA module '{SourceKey}' has no {factor} tensor");

    /// <summary>
    /// True when ΔW can be laid onto a weight of <paramref name="weightShape"/>: the same shape, or the same output
    /// size and element count where one side is 2-D (flattened conv factors, or a 1×1 conv patched by linear factors).
    /// </summary>
    public bool IsCompatibleWith(IReadOnlyList<long> weightShape)
    {
        if (weightShape.SequenceEqual(DeltaShape)) return true;
        if (weightShape.Count < 2 || weightShape[0] != DeltaShape[0]) return false;
        long targetCount = weightShape.Aggregate(1L, (p, d) => p * d);
        long deltaCount = DeltaShape.Aggregate(1L, (p, d) => p * d);
        return targetCount == deltaCount && (weightShape.Count == 2 || DeltaShape.Length == 2);
    }

    /// <summary>
    /// The additive weight update ΔW = multiplier · scale · product(factors), float32 on the CPU.
    /// LoRA: up·down (conv factors flattened, then reshaped); LoCon with lora_mid: Σ_ab up[o,a]·mid[a,b,y,x]·down[b,i];
    /// LoHa: (w1a·w1b) ⊙ (w2a·w2b); LoKr: kron(w1, w2) with wk = full or a·b (or Tucker). For DoRA modules this is the
    /// raw update; pass it (at multiplier 1) to <see cref="ApplyDora"/>.
    /// </summary>
    /// <param name="multiplier">The user's LoRA weight (strength).</param>
    /// <param name="targetShape">Reshape to the model's weight shape (needed to unflatten LoHa/LoKr conv factors).</param>
    public Tensor DeltaWeight(double multiplier = 1.0, IReadOnlyList<long>? targetShape = null)
    {
        if (targetShape is not null && !IsCompatibleWith(targetShape))
            throw new ArgumentException(
                $"LoRA module '{SourceKey}' multiplies out to [{string.Join(",", DeltaShape)}], which does not fit a weight of shape [{string.Join(",", targetShape)}]",
                nameof(targetShape));
        using var scope = NewDisposeScope();
        using var guard = no_grad();
        var product = Algorithm switch
        {
            LoraAlgorithm.LoRA => LowRankProduct(),
            LoraAlgorithm.LoHa => HadamardProduct(),
            _ => KroneckerProduct(),
        };
        var shaped = product.reshape(targetShape?.ToArray() ?? DeltaShape);
        double factor = multiplier * Scale;
        var result = factor == 1.0 ? shaped.contiguous() : shaped.Times(factor);
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Applies DoRA the way LyCORIS merges it: W' = W + ΔW, D = W' · m / (‖W'‖ + ε) with m the stored magnitude
    /// (<c>dora_scale</c>), and returns the new weight W + multiplier·(D − W). ‖·‖ is the L2 norm per output row
    /// (<see cref="Lora.DoraAxis.Output"/>, over all other axes) or per input column (<see cref="Lora.DoraAxis.Input"/>,
    /// over the output and kernel axes), chosen by the stored magnitude's shape; ε = float32 epsilon.
    /// At multiplier 1 this equals LyCORIS <c>apply_weight_decompose</c>; at other multipliers it interpolates between
    /// W and D (as LyCORIS' functional <c>apply_dora_scale</c> and ComfyUI do), so weight 0 leaves W unchanged.
    /// </summary>
    /// <param name="baseWeight">The model's weight W (not modified).</param>
    /// <param name="delta"><see cref="DeltaWeight"/> at multiplier 1, shaped like <paramref name="baseWeight"/>.</param>
    /// <param name="multiplier">The user's LoRA weight.</param>
    public Tensor ApplyDora(Tensor baseWeight, Tensor delta, double multiplier = 1.0)
    {
        if (DoraAxis is not { } axis)
            throw new InvalidOperationException($"LoRA module '{SourceKey}' has no DoRA magnitude");
        if (!baseWeight.shape.SequenceEqual(delta.shape))
            throw new ArgumentException($"ΔW shape [{string.Join(",", delta.shape)}] differs from the base weight [{string.Join(",", baseWeight.shape)}]", nameof(delta));
        long axisLength = baseWeight.shape[axis == Lora.DoraAxis.Output ? 0 : 1];
        using var scope = NewDisposeScope();
        using var guard = no_grad();
        var magnitude = ReadFactor(LoraFactor.DoraScale);
        if (magnitude.NumberOfElements != axisLength)
            throw new ArgumentException($"LoRA module '{SourceKey}': dora_scale has {magnitude.NumberOfElements} values but the weight's {axis.ToString().ToLowerInvariant()} axis has {axisLength}");
        // Converting only when needed keeps the caller's tensors out of this scope, so they are never disposed here.
        var w = baseWeight.dtype == ScalarType.Float32 ? baseWeight : baseWeight.to_type(ScalarType.Float32);
        var d = delta.dtype == ScalarType.Float32 ? delta : delta.to_type(ScalarType.Float32);
        return LoraDeltaMath.Dora(w, d, magnitude, axis, multiplier).MoveToOuterDisposeScope();
    }

    private Tensor LowRankProduct()
    {
        var up = ReadFactor(LoraFactor.Up);
        var down = ReadFactor(LoraFactor.Down);
        return Factors.ContainsKey(LoraFactor.Mid)
            ? LoraDeltaMath.LowRankTucker(up, ReadFactor(LoraFactor.Mid), down)
            : LoraDeltaMath.LowRank(up, down);
    }

    private Tensor HadamardProduct()
    {
        bool tucker = Factors.ContainsKey(LoraFactor.HadaT1);
        return LoraDeltaMath.Hadamard(
            ReadFactor(LoraFactor.HadaW1A), ReadFactor(LoraFactor.HadaW1B),
            ReadFactor(LoraFactor.HadaW2A), ReadFactor(LoraFactor.HadaW2B),
            tucker ? ReadFactor(LoraFactor.HadaT1) : null, tucker ? ReadFactor(LoraFactor.HadaT2) : null);
    }

    private Tensor KroneckerProduct()
    {
        var w1 = Factors.ContainsKey(LoraFactor.LokrW1)
            ? ReadFactor(LoraFactor.LokrW1)
            : ReadFactor(LoraFactor.LokrW1A).matmul(ReadFactor(LoraFactor.LokrW1B));
        Tensor w2;
        if (Factors.ContainsKey(LoraFactor.LokrW2)) w2 = ReadFactor(LoraFactor.LokrW2);
        else if (Factors.ContainsKey(LoraFactor.LokrT2))
            w2 = LoraDeltaMath.Tucker(ReadFactor(LoraFactor.LokrT2), ReadFactor(LoraFactor.LokrW2A), ReadFactor(LoraFactor.LokrW2B));
        else w2 = ReadFactor(LoraFactor.LokrW2A).matmul(ReadFactor(LoraFactor.LokrW2B));
        return LoraDeltaMath.Kronecker(w1, w2);
    }
}
