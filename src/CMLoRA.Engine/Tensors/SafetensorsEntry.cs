namespace CMLoRA.Engine.Tensors;

/// <summary>One validated tensor record of a safetensors header. <see cref="FileOffset"/> is absolute in the file.</summary>
public sealed record SafetensorsEntry(string Name, string DType, long[] Shape, long FileOffset, long ByteLength)
{
    public long ElementCount => Shape.Aggregate(1L, (product, dim) => product * dim);

    public string ShapeText => "[" + string.Join(",", Shape) + "]";
}
