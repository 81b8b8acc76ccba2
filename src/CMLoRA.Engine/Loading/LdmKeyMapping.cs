namespace CMLoRA.Engine.Loading;

/// <summary>The result of mapping one single-file (LDM) key.</summary>
/// <param name="LdmKey">The key as stored in the file.</param>
/// <param name="Status">Mapped, ignored or unknown.</param>
/// <param name="Component">The component a mapped key belongs to; null otherwise.</param>
/// <param name="DiffusersKey">The parameter name in the diffusers/transformers module tree; null unless mapped.</param>
/// <param name="Reshape">How the stored tensor's shape becomes the parameter's.</param>
/// <param name="Reason">Why an ignored key is ignored; null otherwise.</param>
public sealed record LdmKeyMapping(
    string LdmKey,
    LdmKeyStatus Status,
    ModelComponent? Component = null,
    string? DiffusersKey = null,
    WeightReshape Reshape = WeightReshape.None,
    string? Reason = null)
{
    /// <summary>The parameter shape that a stored tensor of <paramref name="storedShape"/> loads into.</summary>
    public long[] TargetShape(long[] storedShape) => Reshape switch
    {
        WeightReshape.Conv1x1ToLinear when storedShape is [var o, var i, 1, 1] => [o, i],
        WeightReshape.Conv1x1ToLinear => throw new InvalidOperationException(
            $"'{LdmKey}' should be a 1×1 convolution kernel but has shape [{string.Join(",", storedShape)}]"),
        _ => storedShape,
    };
}
