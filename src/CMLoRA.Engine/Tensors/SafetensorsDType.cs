using static TorchSharp.torch;

namespace CMLoRA.Engine.Tensors;

/// <summary>The dtype names of the safetensors format, their sizes and their TorchSharp types.</summary>
public static class SafetensorsDType
{
    private static readonly Dictionary<string, (int Size, ScalarType? Type)> Known = new(StringComparer.Ordinal)
    {
        ["F64"] = (8, ScalarType.Float64),
        ["F32"] = (4, ScalarType.Float32),
        ["F16"] = (2, ScalarType.Float16),
        ["BF16"] = (2, ScalarType.BFloat16),
        ["I64"] = (8, ScalarType.Int64),
        ["I32"] = (4, ScalarType.Int32),
        ["I16"] = (2, ScalarType.Int16),
        ["I8"] = (1, ScalarType.Int8),
        ["U8"] = (1, ScalarType.Byte),
        ["BOOL"] = (1, ScalarType.Bool),
        // Valid in the format but not loadable as tensors here; the header still validates.
        ["F8_E4M3"] = (1, null),
        ["F8_E5M2"] = (1, null),
        ["U16"] = (2, null),
        ["U32"] = (4, null),
        ["U64"] = (8, null),
    };

    public static bool IsKnown(string name) => Known.ContainsKey(name);

    public static int SizeOf(string name) => Known[name].Size;

    public static ScalarType? ToScalarType(string name) => Known.TryGetValue(name, out var entry) ? entry.Type : null;

    public static string FromScalarType(ScalarType type) => type switch
    {
        ScalarType.Float64 => "F64",
        ScalarType.Float32 => "F32",
        ScalarType.Float16 => "F16",
        ScalarType.BFloat16 => "BF16",
        ScalarType.Int64 => "I64",
        ScalarType.Int32 => "I32",
        ScalarType.Int16 => "I16",
        ScalarType.Int8 => "I8",
        ScalarType.Byte => "U8",
        ScalarType.Bool => "BOOL",
        _ => throw new NotSupportedException($"dtype {type} cannot be written to safetensors"),
    };
}
