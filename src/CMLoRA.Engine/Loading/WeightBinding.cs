using CMLoRA.Engine.Tensors;

namespace CMLoRA.Engine.Loading;

/// <summary>One tensor to load: the parameter it fills and where its values are stored.</summary>
/// <param name="TargetKey">The parameter (or persistent buffer) name in the module's state dict.</param>
/// <param name="File">The open safetensors file holding the values.</param>
/// <param name="SourceKey">The tensor name in <paramref name="File"/>.</param>
/// <param name="Reshape">How the stored shape relates to the parameter's shape.</param>
public sealed record WeightBinding(string TargetKey, SafetensorsFile File, string SourceKey, WeightReshape Reshape = WeightReshape.None)
{
    /// <summary>The shape the stored tensor must have to fill a parameter of <paramref name="targetShape"/>.</summary>
    public long[] ExpectedSourceShape(long[] targetShape) => Reshape switch
    {
        WeightReshape.Conv1x1ToLinear => [.. targetShape, 1, 1],
        _ => targetShape,
    };
}
